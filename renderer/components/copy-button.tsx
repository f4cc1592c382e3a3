// Copies a text to the clipboard and says so for a moment.
import { useState } from 'react';

export function CopyButton({ text, label, small = true }: { text: string; label: string; small?: boolean }) {
  const [done, setDone] = useState(false);
  const copy = () => {
    void navigator.clipboard?.writeText(text).then(() => {
      setDone(true);
      setTimeout(() => setDone(false), 1200);
    });
  };
  return (
    <button type="button" className={small ? 'small' : undefined} onClick={copy} aria-label={label} title={label}>
      {done ? 'copied' : 'copy'}
    </button>
  );
}
