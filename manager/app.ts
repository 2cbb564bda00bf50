import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { createApi, type Api } from './api.js';
import { Dashboard } from './dashboard.js';
import { forgetKey, storedKey, storeKey } from './key.js';
import { Login } from './login.js';

/** Logged out: the key form and nothing else. Logged in: the instances. */
export function App() {
  const [api, setApi] = useState<Api | null>(() => {
    const key = storedKey();
    return key ? createApi(key) : null;
  });

  const loggedIn = (key: string) => {
    storeKey(key);
    setApi(() => createApi(key));
  };
  const logOut = () => {
    forgetKey();
    setApi(null);
  };

  return html`
    <header class="top">
      <h1>wa-gateway manager</h1>
      ${api && html`<button type="button" class="quiet" onClick=${logOut}>Sign out</button>`}
    </header>
    <main>
      ${api ? html`<${Dashboard} api=${api} onUnauthorized=${logOut} />` : html`<${Login} onLoggedIn=${loggedIn} />`}
    </main>
  `;
}
