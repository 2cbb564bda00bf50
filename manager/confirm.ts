import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';

/** A button that asks first, in place: the question, then confirm or cancel. */
export function Confirmable({
  label,
  question,
  danger = false,
  onConfirm,
}: {
  label: string;
  question: string;
  danger?: boolean;
  onConfirm: () => Promise<void>;
}) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const confirmButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (asking) confirmButton.current?.focus();
  }, [asking]);

  if (!asking) {
    return html`<button type="button" class=${danger ? 'danger' : 'quiet'} onClick=${() => setAsking(true)}>${label}</button>`;
  }
  const confirm = async () => {
    setBusy(true);
    try {
      await onConfirm();
    } finally {
      setBusy(false);
      setAsking(false);
    }
  };
  return html`
    <div class="confirm" role="group" aria-label=${`${label}: confirm`}>
      <p>${question}</p>
      <button type="button" ref=${confirmButton} class=${danger ? 'danger' : ''} disabled=${busy} onClick=${confirm}>Yes, ${label.toLowerCase()}</button>
      <button type="button" class="quiet" disabled=${busy} onClick=${() => setAsking(false)}>Cancel</button>
    </div>
  `;
}
