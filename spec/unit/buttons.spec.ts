import { expect } from 'chai';
import { buttonsBodyText, buttonsProblem, nativeFlowButton } from '../../lib/messages/buttons.js';
import type { ButtonSpec } from '../../lib/messages/types.js';

const reply = (id: string): ButtonSpec => ({ type: 'reply', displayText: id, id });
const url: ButtonSpec = { type: 'url', displayText: 'Open', url: 'https://a.example' };
const pix: ButtonSpec = { type: 'pix', currency: 'BRL', name: 'Shop', keyType: 'random', key: 'k' };

describe('buttons', () => {
  it('takes up to three reply buttons, and call-to-action buttons together', () => {
    expect(buttonsProblem([reply('a'), reply('b'), reply('c')])).to.equal(null);
    expect(buttonsProblem([url, { type: 'copy', displayText: 'c', copyCode: 'X' }, { type: 'call', displayText: 'c', phoneNumber: '1' }])).to.equal(null);
    expect(buttonsProblem([pix])).to.equal(null);
  });

  it('refuses what Evolution refuses', () => {
    expect(buttonsProblem([])).to.contain('At least one');
    expect(buttonsProblem([reply('a'), reply('b'), reply('c'), reply('d')])).to.contain('Maximum of 3');
    expect(buttonsProblem([reply('a'), url])).to.contain('cannot be mixed');
    expect(buttonsProblem([reply('a'), pix])).to.contain('cannot be mixed');
    expect(buttonsProblem([pix, pix])).to.contain('Only one PIX');
    expect(buttonsProblem([pix, url])).to.contain('PIX button cannot be mixed');
  });

  it('names the fields a button lacks', () => {
    expect(buttonsProblem([{ type: 'call', displayText: 'c' }])).to.equal('buttons[0] of type call needs phoneNumber');
    expect(buttonsProblem([{ type: 'pix', currency: 'BRL' }])).to.equal('buttons[0] of type pix needs name, keyType, key');
  });

  it('builds the native flow buttons Evolution builds', () => {
    expect(nativeFlowButton(reply('yes'), 'R')).to.deep.equal({ name: 'quick_reply', buttonParamsJson: '{"display_text":"yes","id":"yes"}' });
    expect(JSON.parse(nativeFlowButton(url, 'R').buttonParamsJson)).to.deep.equal({ display_text: 'Open', url: 'https://a.example', merchant_url: 'https://a.example' });
    const payment = JSON.parse(nativeFlowButton(pix, 'REF1').buttonParamsJson);
    expect(nativeFlowButton(pix, 'REF1').name).to.equal('payment_info');
    expect(payment.reference_id).to.equal('REF1');
    expect(payment.payment_settings[0].pix_static_code).to.deep.equal({ merchant_name: 'Shop', key: 'k', key_type: 'EVP' });
  });

  it('writes the title in bold above the description', () => {
    expect(buttonsBodyText('Order', undefined)).to.equal('*Order*');
    expect(buttonsBodyText('Order', 'Confirm?')).to.equal('*Order*\n\nConfirm?\n');
  });
});
