// Evolution v2's sendButtons: buttons become WhatsApp "native flow" buttons of
// an interactive message, each a name and its parameters as JSON.
import type { ButtonKind, ButtonSpec, PixKeyType } from './types.js';

export interface NativeFlowButton {
  name: string;
  buttonParamsJson: string;
}

const FLOW_NAMES: Record<ButtonKind, string> = {
  reply: 'quick_reply',
  copy: 'cta_copy',
  url: 'cta_url',
  call: 'cta_call',
  pix: 'payment_info',
};

const PIX_KEY_TYPES: Record<PixKeyType, string> = { phone: 'PHONE', email: 'EMAIL', cpf: 'CPF', cnpj: 'CNPJ', random: 'EVP' };

/** The fields each kind of button cannot do without. */
const REQUIRED: Record<ButtonKind, (keyof ButtonSpec)[]> = {
  reply: ['displayText', 'id'],
  copy: ['displayText', 'copyCode'],
  url: ['displayText', 'url'],
  call: ['displayText', 'phoneNumber'],
  pix: ['currency', 'name', 'keyType', 'key'],
};

const MAX_REPLY_BUTTONS = 3;

/** Why WhatsApp (and Evolution) would not take this set of buttons, or null. */
export function buttonsProblem(buttons: readonly ButtonSpec[]): string | null {
  if (buttons.length === 0) return 'At least one button is required';
  for (const [index, button] of buttons.entries()) {
    const missing = REQUIRED[button.type].filter((field) => !button[field]);
    if (missing.length > 0) return `buttons[${index}] of type ${button.type} needs ${missing.join(', ')}`;
  }
  const replies = buttons.filter((button) => button.type === 'reply').length;
  const pix = buttons.filter((button) => button.type === 'pix').length;
  const others = buttons.length - replies - pix;
  if (replies > 0 && buttons.length > MAX_REPLY_BUTTONS) return `Maximum of ${MAX_REPLY_BUTTONS} reply buttons allowed`;
  if (replies > 0 && (others > 0 || pix > 0)) return 'Reply buttons cannot be mixed with other button types';
  if (pix > 1) return 'Only one PIX button is allowed';
  if (pix > 0 && others > 0) return 'PIX button cannot be mixed with other button types';
  return null;
}

/** A PIX static-code payment request, with the zero amounts Evolution sends. */
function pixParams(button: ButtonSpec, referenceId: string): Record<string, unknown> {
  const zero = { value: 0, offset: 100 };
  return {
    currency: button.currency,
    total_amount: zero,
    reference_id: referenceId,
    type: 'physical-goods',
    order: {
      status: 'pending',
      subtotal: zero,
      order_type: 'ORDER',
      items: [{ name: '', amount: zero, quantity: 0, sale_amount: zero }],
    },
    payment_settings: [
      {
        type: 'pix_static_code',
        pix_static_code: { merchant_name: button.name, key: button.key, key_type: button.keyType ? PIX_KEY_TYPES[button.keyType] : undefined },
      },
    ],
    share_payment_status: false,
  };
}

function params(button: ButtonSpec, referenceId: string): Record<string, unknown> {
  const display_text = button.displayText;
  switch (button.type) {
    case 'reply':
      return { display_text, id: button.id };
    case 'copy':
      return { display_text, copy_code: button.copyCode };
    case 'url':
      return { display_text, url: button.url, merchant_url: button.url };
    case 'call':
      return { display_text, phone_number: button.phoneNumber };
    case 'pix':
      return pixParams(button, referenceId);
  }
}

/** The native flow button for an Evolution button; `referenceId` names a PIX payment. */
export function nativeFlowButton(button: ButtonSpec, referenceId: string): NativeFlowButton {
  return { name: FLOW_NAMES[button.type], buttonParamsJson: JSON.stringify(params(button, referenceId)) };
}

/** The body Evolution writes: the title in bold, then the description. */
export function buttonsBodyText(title: string | undefined, description: string | undefined): string {
  let text = `*${title ?? ''}*`;
  if (description) text += `\n\n${description}\n`;
  return text;
}
