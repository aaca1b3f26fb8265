import { Emitter, type Listener } from '../emitter.js';

/**
 * An emitter for a transport adapter: its own events, plus every event of the engine it drives,
 * subscribed on the engine only when someone listens here (engines skip building events nobody reads).
 */
export class BridgedEmitter<Own extends object, Engine extends object> extends Emitter<Own & Engine> {
  readonly #engine: Emitter<Engine>;
  readonly #own: ReadonlySet<string>;
  readonly #bridged = new Set<PropertyKey>();

  constructor(engine: Emitter<Engine>, own: readonly (keyof Own & string)[]) {
    super();
    this.#engine = engine;
    this.#own = new Set(own);
  }

  override on<K extends keyof (Own & Engine)>(type: K, listener: Listener<(Own & Engine)[K]>): () => void {
    if (typeof type === 'string' && !this.#own.has(type) && !this.#bridged.has(type)) {
      this.#bridged.add(type);
      const t = type as unknown as keyof Engine;
      this.#engine.on(t, (e) => this.emit(type, e as unknown as (Own & Engine)[K]));
    }
    return super.on(type, listener);
  }
}
