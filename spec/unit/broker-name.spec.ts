import { expect } from 'chai';
import { BROKER_NAME_MAX, brokerName } from '../../lib/events/broker-name.js';
import { EVENT_LIST } from '../../lib/events/names.js';

/** The longest SQS queue an instance gets, as lib/dispatcher/destinations.ts builds it. */
const LONGEST_EVENT = [...EVENT_LIST].sort((a, b) => b.length - a.length)[0];

function obeysEveryBroker(name: string): void {
  // SQS: letters, digits, `-`, `_`; queue names up to 80 with `.fifo`.
  expect(name, name).to.match(/^[A-Za-z0-9_-]+$/);
  expect(`${name}_${LONGEST_EVENT.toLowerCase()}.fifo`.length, name).to.be.at.most(80);
  // NATS: one non-empty token, no wildcard, no whitespace. RabbitMQ: never `amq.`.
  expect(name, name).not.to.match(/[.*>\s]/);
  expect(name.startsWith('amq.'), name).to.equal(false);
  expect(name.length, name).to.be.within(1, BROKER_NAME_MAX);
}

describe('broker name of an instance', () => {
  it('is the name itself for letters, digits, "_" and "-" up to 49 characters', () => {
    for (const name of ['acme', 'acme_eu', 'acme-eu-x', 'A1', 'x'.repeat(49), '_', '-']) {
      expect(brokerName(name)).to.equal(name);
    }
  });

  it('keeps names that differ only by "." and "_" apart', () => {
    expect(brokerName('acme.eu')).not.to.equal(brokerName('acme_eu'));
    expect(brokerName('acme.eu')).to.match(/^acme_eu-[a-z2-7]{10}$/);
    expect(brokerName('a.b')).not.to.equal(brokerName('a_b'));
  });

  it('never makes one name a dotted prefix of another', () => {
    const acme = brokerName('acme');
    for (const other of ['acme.eu', 'acme-eu-x', 'acme..', 'acme.']) {
      expect(brokerName(other)).not.to.equal(acme);
      expect(brokerName(other).startsWith(`${acme}.`)).to.equal(false);
    }
  });

  it('does not keep a reserved "amq." prefix', () => {
    expect(brokerName('amq.gen')).to.match(/^amq_gen-[a-z2-7]{10}$/);
    obeysEveryBroker(brokerName('amq.gen'));
  });

  it('cuts a long name to fit, with a hash of the whole name', () => {
    const long = 'x'.repeat(100);
    const other = `${'x'.repeat(99)}y`;
    expect(brokerName(long)).to.have.length(BROKER_NAME_MAX);
    expect(brokerName(long).startsWith('x'.repeat(38))).to.equal(true);
    expect(brokerName(long)).not.to.equal(brokerName(other));
    expect(brokerName('x'.repeat(50))).to.have.length(BROKER_NAME_MAX);
    expect(brokerName('x'.repeat(50))).not.to.equal(brokerName('x'.repeat(49)));
  });

  it('folds accents and replaces spaces, staying readable', () => {
    expect(brokerName('Café São Paulo')).to.match(/^Cafe_Sao_Paulo-[a-z2-7]{10}$/);
    expect(brokerName('Café São Paulo')).not.to.equal(brokerName('Cafe Sao Paulo'));
    expect(brokerName('店铺')).to.match(/^_-[a-z2-7]{10}$/);
    expect(brokerName('店铺')).not.to.equal(brokerName('商店'));
  });

  it('is the same for the same name', () => {
    expect(brokerName('acme.eu')).to.equal(brokerName('acme.eu'));
  });

  it('always obeys the rules of RabbitMQ, SQS and NATS', () => {
    const names = [
      'acme', 'acme.eu', 'acme_eu', 'amq.x', 'amq_x', 'a b', ' ', '.x', 'x.', 'a*b', 'a>b', 'tab\there', 'ü',
      'x'.repeat(49), 'x'.repeat(50), 'é'.repeat(100), '🙂'.repeat(100), `${'a.'.repeat(50)}`, 'a/b', 'Ωmega',
    ];
    for (const name of names) obeysEveryBroker(brokerName(name));
  });
});
