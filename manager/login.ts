import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { createApi, describeError } from './api.js';

/** Checks the key against the API before keeping it: a wrong key shows the error and nothing else. */
export function Login({ onLoggedIn }: { onLoggedIn: (key: string) => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    // Handled here so the key never becomes part of a URL.
    event.preventDefault();
    const typed = key.trim();
    if (typed === '') return setError('Type the API key.');
    setBusy(true);
    setError(null);
    try {
      await createApi(typed)('GET', '/instance/fetchInstances');
      onLoggedIn(typed);
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  };

  return html`
    <section class="card narrow" aria-labelledby="login-title">
      <h2 id="login-title">Log in</h2>
      <form onSubmit=${submit} method="post">
        <label for="apikey">API key</label>
        <p class="hint" id="apikey-hint">The global key, or an instance's token. It stays in this tab only.</p>
        <input
          id="apikey"
          name="apikey"
          type="password"
          autocomplete="off"
          aria-describedby="apikey-hint"
          value=${key}
          onInput=${(e: Event) => setKey((e.target as HTMLInputElement).value)}
          required
        />
        <button type="submit" disabled=${busy}>${busy ? 'Checking…' : 'Log in'}</button>
      </form>
      ${error && html`<p class="error" role="alert">${error}</p>`}
    </section>
  `;
}
