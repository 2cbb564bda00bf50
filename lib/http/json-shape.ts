// Rules every parsed request body meets before any code walks it: bounded
// nesting (anything that recurses over a body, such as structured cloning it
// to a worker, overflows the stack on deep enough input) and no NUL character
// (PostgreSQL refuses "\u0000" in text).

/** Objects and arrays inside one another, at most. */
export const MAX_JSON_DEPTH = 64;

interface Node {
  value: unknown;
  /** Objects and arrays around this value. */
  depth: number;
  parent?: Node;
  key?: string | number;
}

/** Where a node sits, as messages name fields: `quoted.message.text`, `numbers[2]`. */
function fieldOf(node: Node): string {
  const parts: (string | number)[] = [];
  for (let at: Node | undefined = node; at?.key !== undefined; at = at.parent) parts.unshift(at.key);
  const name = parts.reduce<string>((path, part) => (typeof part === 'number' ? `${path}[${part}]` : path ? `${path}.${part}` : part), '');
  return name || 'body';
}

/**
 * The first rule `value` breaks, as a message naming the field, or undefined.
 * Iterative, so that the check itself cannot overflow the stack, and it stops
 * descending at the depth limit.
 */
export function jsonShapeProblem(value: unknown, maxDepth = MAX_JSON_DEPTH): string | undefined {
  const stack: Node[] = [{ value, depth: 0 }];
  for (let node = stack.pop(); node; node = stack.pop()) {
    const current = node.value;
    if (typeof current === 'string') {
      if (current.includes('\u0000')) return `${fieldOf(node)} must not contain the NUL character (\\u0000)`;
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (node.depth >= maxDepth) {
      return `${fieldOf(node)} is nested too deeply: objects and arrays may be nested at most ${maxDepth} levels deep`;
    }
    const depth = node.depth + 1;
    if (Array.isArray(current)) {
      for (let index = current.length - 1; index >= 0; index -= 1) stack.push({ value: current[index], depth, parent: node, key: index });
      continue;
    }
    const entries = Object.entries(current);
    for (let index = entries.length - 1; index >= 0; index -= 1) {
      const [key, item] = entries[index];
      if (key.includes('\u0000')) return `${fieldOf(node)} has a property name with the NUL character (\\u0000)`;
      stack.push({ value: item, depth, parent: node, key });
    }
  }
  return undefined;
}
