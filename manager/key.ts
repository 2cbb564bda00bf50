// The API key lives in this tab's sessionStorage only: never in the URL, never
// in localStorage, gone when the tab closes or the person logs out.

const KEY_NAME = 'wa-gateway.apikey';

export function storedKey(): string | null {
  return sessionStorage.getItem(KEY_NAME);
}

export function storeKey(key: string): void {
  sessionStorage.setItem(KEY_NAME, key);
}

export function forgetKey(): void {
  sessionStorage.removeItem(KEY_NAME);
}
