/**
 * An intrusive doubly-linked list: the nodes carry their own `pv`/`nx` links,
 * so pushing and unlinking (a cancelled waiter) are O(1) and allocate nothing.
 * Waiter queues of every primitive use it.
 * @internal
 */
export interface ListNode<N> {
  pv: N | null;
  nx: N | null;
  /** The list the node is in, or null. */
  list: LinkedList<any> | null;
}

/** @internal */
export class LinkedList<N extends ListNode<N>> {
  head: N | null = null;
  tail: N | null = null;
  length = 0;

  push(node: N): void {
    node.list = this;
    node.nx = null;
    node.pv = this.tail;
    if (this.tail === null) this.head = node;
    else this.tail.nx = node;
    this.tail = node;
    this.length++;
  }

  unshift(node: N): void {
    node.list = this;
    node.pv = null;
    node.nx = this.head;
    if (this.head === null) this.tail = node;
    else this.head.pv = node;
    this.head = node;
    this.length++;
  }

  shift(): N | null {
    const node = this.head;
    if (node !== null) this.remove(node);
    return node;
  }

  /** Unlinks `node` if it is in this list; returns whether it was. */
  remove(node: N): boolean {
    if (node.list !== this) return false;
    const { pv, nx } = node;
    if (pv === null) this.head = nx;
    else pv.nx = nx;
    if (nx === null) this.tail = pv;
    else nx.pv = pv;
    node.pv = node.nx = null;
    node.list = null;
    this.length--;
    return true;
  }

  isEmpty(): boolean {
    return this.head === null;
  }
}
