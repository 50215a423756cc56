import { isAlias, isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Document, LineCounter, Node } from 'yaml';

/** A path into a document's data, as ajv and our own checks produce it: keys and list indexes. */
export type Path = readonly (string | number)[];

export interface Position {
  line: number;
  column: number;
}

/**
 * Maps a data path back to where it was written, so every diagnostic points at the offending key
 * or value. When the path leads somewhere that does not exist (a missing property), the closest
 * existing ancestor is used, which is the object the property is missing from.
 */
export class Locator {
  constructor(
    private readonly doc: Document,
    private readonly lineCounter: LineCounter,
  ) {}

  /** Where the value at `path` starts. */
  value(path: Path): Position {
    return this.position(this.walk(path).node);
  }

  /** Where the key of the last segment of `path` starts (the value's position for list items). */
  key(path: Path): Position {
    const found = this.walk(path);
    if (found.complete && found.keyNode) return this.position(found.keyNode);
    return this.position(found.node);
  }

  position(node: Node | null): Position {
    const offset = node?.range?.[0] ?? this.doc.contents?.range?.[0] ?? this.doc.range?.[0] ?? 0;
    const { line, col } = this.lineCounter.linePos(offset);
    return { line, column: col };
  }

  private walk(path: Path): { node: Node | null; keyNode: Node | null; complete: boolean } {
    let node: Node | null = this.deref(this.doc.contents);
    let keyNode: Node | null = null;
    for (const segment of path) {
      let next: Node | null | undefined;
      let nextKey: Node | null = null;
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && keyText(p.key) === String(segment));
        if (pair) {
          nextKey = isNode(pair.key) ? pair.key : null;
          // `key:` with nothing after it has no value node: point at the key instead.
          next = isNode(pair.value) ? pair.value : nextKey;
        }
      } else if (isSeq(node) && typeof segment === 'number') {
        const item: unknown = node.items[segment];
        next = isNode(item) ? item : undefined;
      }
      if (!next) return { node, keyNode, complete: false };
      node = this.deref(next);
      keyNode = nextKey;
    }
    return { node, keyNode, complete: true };
  }

  /** Follows `*alias` to its anchor so paths can continue through it. */
  private deref(node: Node | null): Node | null {
    if (isAlias(node)) {
      const target: unknown = node.resolve(this.doc);
      return isNode(target) ? target : node;
    }
    return node;
  }
}

function isNode(value: unknown): value is Node {
  return isScalar(value) || isMap(value) || isSeq(value) || isAlias(value);
}

function keyText(key: unknown): string {
  if (isScalar(key)) return String(key.value);
  return String(key);
}

/** `data.steps[0].action`: how paths read in messages. */
export function formatPath(root: string, path: Path): string {
  let out = root;
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}
