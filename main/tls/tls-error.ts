// The error the TLS machinery throws: a BerthError (so every boundary already knows how to carry it)
// plus the file it concerns and a finer reason, which the shared error type may absorb later.
import { BerthError, type BerthErrorCode } from '../../shared/errors.js';

export type TlsErrorReason =
  /** No CA yet and the caller asked not to create one. */
  | 'ca-missing'
  /** One of the two CA files exists without the other. */
  | 'ca-incomplete'
  | 'ca-unreadable'
  | 'ca-corrupt'
  /** The CA certificate and key do not belong together. */
  | 'ca-mismatch'
  /** createCa() was asked to create a CA where one already is. */
  | 'ca-exists'
  | 'certificate-unreadable'
  | 'certificate-invalid'
  | 'mint-failed'
  | 'bad-name'
  | 'trust-failed';

const codes: Record<TlsErrorReason, BerthErrorCode> = {
  'ca-missing': 'CA_MISSING',
  'ca-incomplete': 'CA_MISSING',
  'ca-unreadable': 'CA_CORRUPT',
  'ca-corrupt': 'CA_CORRUPT',
  'ca-mismatch': 'CA_CORRUPT',
  'ca-exists': 'BAD_INPUT',
  'certificate-unreadable': 'CERTIFICATE_FAILED',
  'certificate-invalid': 'CERTIFICATE_FAILED',
  'mint-failed': 'CERTIFICATE_FAILED',
  'bad-name': 'BAD_INPUT',
  'trust-failed': 'INTERNAL',
};

export class TlsError extends BerthError {
  readonly reason: TlsErrorReason;
  /** The file the error is about, when there is one (also in `where.file`). */
  readonly file: string | undefined;

  constructor(reason: TlsErrorReason, message: string, file?: string) {
    super(codes[reason], message, file ? { file } : undefined, reason !== 'mint-failed' && reason !== 'trust-failed');
    this.name = 'TlsError';
    this.reason = reason;
    this.file = file;
  }
}

/** The message of an unknown thrown value, for wrapping it into a TlsError. */
export function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
