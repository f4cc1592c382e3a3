// The control API's token: `berth up` opens the dashboard at `/#token=…`. We read it once, keep it in
// sessionStorage (it survives reloads of this tab, not the browser) and take it out of the address
// bar so it is not bookmarked, shared in a screenshot or kept in history.

const KEY = 'berth.token';

export interface TokenEnvironment {
  location: { hash: string; pathname: string; search: string };
  history: { replaceState(data: unknown, unused: string, url?: string): void };
  storage: Pick<Storage, 'getItem' | 'setItem'>;
}

export function takeToken(env: TokenEnvironment): string | undefined {
  const params = new URLSearchParams(env.location.hash.replace(/^#/, ''));
  const fromUrl = params.get('token');
  if (fromUrl) {
    env.storage.setItem(KEY, fromUrl);
    params.delete('token');
    const rest = params.toString();
    env.history.replaceState(null, '', `${env.location.pathname}${env.location.search}${rest ? `#${rest}` : ''}`);
    return fromUrl;
  }
  return env.storage.getItem(KEY) ?? undefined;
}
