import { expect } from 'chai';
import { jsonShapeProblem, MAX_JSON_DEPTH } from '../../lib/http/json-shape.js';

/** `levels` objects inside one another, built without recursion. */
function nested(levels: number): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  let current = root;
  for (let i = 1; i < levels; i += 1) {
    const next: Record<string, unknown> = {};
    current.m = next;
    current = next;
  }
  return root;
}

describe('jsonShapeProblem', () => {
  it('accepts ordinary bodies', () => {
    expect(jsonShapeProblem({ number: '5511999999999', text: 'hi', quoted: { key: { id: 'a' }, message: { x: [1, 'b', null, true] } } })).to.equal(undefined);
    expect(jsonShapeProblem(undefined)).to.equal(undefined);
    expect(jsonShapeProblem('text')).to.equal(undefined);
  });

  it('accepts exactly the depth limit and refuses one level more, naming the limit', () => {
    expect(jsonShapeProblem(nested(MAX_JSON_DEPTH))).to.equal(undefined);
    const problem = jsonShapeProblem(nested(MAX_JSON_DEPTH + 1));
    expect(problem).to.include(`at most ${MAX_JSON_DEPTH} levels`);
    expect(problem).to.match(/^m\.m\.m/);
  });

  it('counts arrays as levels too', () => {
    let deep: unknown = [];
    for (let i = 1; i < 5; i += 1) deep = [deep];
    expect(jsonShapeProblem(deep, 5)).to.equal(undefined);
    expect(jsonShapeProblem([deep], 5)).to.equal('[0][0][0][0][0] is nested too deeply: objects and arrays may be nested at most 5 levels deep');
  });

  it('checks a hundred thousand levels without overflowing the stack', () => {
    expect(jsonShapeProblem(nested(100_000))).to.include('nested too deeply');
  });

  it('names the field holding a NUL character', () => {
    expect(jsonShapeProblem({ webhook: { headers: { a: 'x\u0000y' } } })).to.equal('webhook.headers.a must not contain the NUL character (\\u0000)');
    expect(jsonShapeProblem({ numbers: ['1', '2\u0000'] })).to.equal('numbers[1] must not contain the NUL character (\\u0000)');
    expect(jsonShapeProblem('\u0000')).to.equal('body must not contain the NUL character (\\u0000)');
  });

  it('refuses a NUL character in a property name', () => {
    expect(jsonShapeProblem({ where: { ['a\u0000']: 1 } })).to.equal('where has a property name with the NUL character (\\u0000)');
  });

  it('reports the first problem in document order', () => {
    expect(jsonShapeProblem({ a: 'ok', b: '\u0000', c: '\u0000' })).to.match(/^b /);
  });
});
