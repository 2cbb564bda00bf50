import { expect } from 'chai';
import { redactUrlCredentials } from '../../lib/url-credentials.js';

describe('redactUrlCredentials', () => {
  it('replaces the password of a URL and keeps the rest', () => {
    expect(redactUrlCredentials('https://user:s3cret@hooks.example.com/x?a=1')).to.equal('https://user:***@hooks.example.com/x?a=1');
  });

  it('handles broker and database URIs', () => {
    expect(redactUrlCredentials('amqp://guest:p4ss@127.0.0.1:5672/vhost')).to.equal('amqp://guest:***@127.0.0.1:5672/vhost');
    expect(redactUrlCredentials('nats://app:tok%40en@nats:4222')).to.equal('nats://app:***@nats:4222');
    expect(redactUrlCredentials('postgres://postgres:pw@db/gw?sslmode=require')).to.equal('postgres://postgres:***@db/gw?sslmode=require');
  });

  it('redacts every URL inside a longer text, such as a JSON log line', () => {
    const line = JSON.stringify({ msg: 'POST https://a:one@x.test/h failed', uri: 'nats://b:two@y.test:4222' });
    const redacted = redactUrlCredentials(line);
    expect(redacted).not.to.include('one').and.not.to.include('two');
    expect(JSON.parse(redacted)).to.deep.equal({ msg: 'POST https://a:***@x.test/h failed', uri: 'nats://b:***@y.test:4222' });
  });

  it('redacts a password that has no user', () => {
    expect(redactUrlCredentials('redis://:hunter2@cache:6379')).to.equal('redis://:***@cache:6379');
  });

  it('redacts a lone token in the userinfo entirely', () => {
    expect(redactUrlCredentials('nats://s3cr3tt0ken@nats.test:4222')).to.equal('nats://***@nats.test:4222');
  });

  it('leaves URLs without credentials alone', () => {
    for (const text of ['https://hooks.example.com/x', 'http://[::1]:8080/a@b', 'mailto:a@b.c', 'no url here']) {
      expect(redactUrlCredentials(text)).to.equal(text);
    }
  });

  it('does not take an "@" in the path for a userinfo', () => {
    expect(redactUrlCredentials('https://host.test/a:b@c')).to.equal('https://host.test/a:b@c');
  });
});
