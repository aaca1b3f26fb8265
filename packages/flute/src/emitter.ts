/**
 * A tiny browser-safe typed event emitter (no node:events). Listeners run synchronously in the order
 * they were added; an exception thrown by a listener propagates to the code that emitted.
 */
export type Listener<T> = (event: T) => void;

export class Emitter<Events extends object> {
  #listeners = new Map<keyof Events, Listener<never>[]>();

  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof Events>(type: K, listener: Listener<Events[K]>): () => void {
    const list = this.#listeners.get(type);
    if (list === undefined) this.#listeners.set(type, [listener as Listener<never>]);
    else list.push(listener as Listener<never>);
    return () => this.off(type, listener);
  }

  /** Adds a listener called at most once. */
  once<K extends keyof Events>(type: K, listener: Listener<Events[K]>): () => void {
    const off = this.on(type, (e) => {
      off();
      listener(e);
    });
    return off;
  }

  /** Removes a listener added with `on`. */
  off<K extends keyof Events>(type: K, listener: Listener<Events[K]>): void {
    const list = this.#listeners.get(type);
    if (list === undefined) return;
    const i = list.indexOf(listener as Listener<never>);
    if (i >= 0) list.splice(i, 1);
  }

  /** Whether anyone listens to `type` (lets hot paths skip building events nobody reads). */
  listens(type: keyof Events): boolean {
    const list = this.#listeners.get(type);
    return list !== undefined && list.length > 0;
  }

  protected emit<K extends keyof Events>(type: K, event: Events[K]): void {
    const list = this.#listeners.get(type);
    if (list === undefined || list.length === 0) return;
    for (const l of list.slice()) (l as Listener<Events[K]>)(event);
  }
}
