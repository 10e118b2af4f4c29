// Counts the calls that cross a client's JS/native boundary, by instrumenting its loaded native
// binding before the client is created:
//  - JS→native: every function of the binding object, and every method and accessor on the
//    prototypes of its native classes, is replaced by a counting wrapper;
//  - native→JS: every function handed to the binding as an argument (or as a property of an object
//    argument, two levels deep: node-rdkafka's configureCallbacks({ event: { delivery_cb } })) is
//    replaced by a counting wrapper before the binding sees it, and every promise a binding call
//    returns counts once when it settles (its continuation is a call back into JS).
// The counters count only while `active`, so set-up and tear-down calls are left out.

const WRAPPED = Symbol('kbench.crossings.wrapped');

type AnyFn = (this: unknown, ...args: unknown[]) => unknown;

export class CrossingCounter {
  active = false;
  jsToNative = 0;
  nativeToJs = 0;
  readonly byFunction = new Map<string, number>();

  reset(): void {
    this.jsToNative = 0;
    this.nativeToJs = 0;
    this.byFunction.clear();
  }

  hit(name: string, direction: 'jsToNative' | 'nativeToJs'): void {
    if (!this.active) return;
    this[direction]++;
    this.byFunction.set(name, (this.byFunction.get(name) ?? 0) + 1);
  }

  snapshot(): { jsToNative: number; nativeToJs: number; byFunction: Record<string, number> } {
    return { jsToNative: this.jsToNative, nativeToJs: this.nativeToJs, byFunction: Object.fromEntries([...this.byFunction].sort((a, b) => b[1] - a[1])) };
  }
}

function isWrapped(f: unknown): boolean {
  return typeof f === 'function' && (f as unknown as Record<symbol, unknown>)[WRAPPED] === true;
}

function mark<T extends object>(f: T): T {
  Object.defineProperty(f, WRAPPED, { value: true });
  return f;
}

function wrapCallback(fn: AnyFn, name: string, counter: CrossingCounter): AnyFn {
  if (isWrapped(fn)) return fn;
  const w = function (this: unknown, ...args: unknown[]): unknown {
    counter.hit(name, 'nativeToJs');
    return fn.apply(this, args);
  };
  // Flags carried on the function itself (node-rdkafka reads delivery_cb.dr_msg_cb).
  for (const k of Object.keys(fn)) (w as unknown as Record<string, unknown>)[k] = (fn as unknown as Record<string, unknown>)[k];
  return mark(w);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || ArrayBuffer.isView(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

function wrapArgs(args: unknown[], name: string, counter: CrossingCounter, depth = 2): void {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (typeof a === 'function') args[i] = wrapCallback(a as AnyFn, `${name} callback`, counter);
    else if (depth > 0 && isPlainObject(a)) wrapObject(a, `${name} callback`, counter, depth);
  }
}

function wrapObject(o: Record<string, unknown>, name: string, counter: CrossingCounter, depth: number): void {
  for (const k of Object.keys(o)) {
    const v = o[k];
    if (typeof v === 'function') o[k] = wrapCallback(v as AnyFn, `${name} ${k}`, counter);
    else if (depth > 1 && isPlainObject(v)) wrapObject(v, name, counter, depth - 1);
  }
}

function wrapNative(fn: AnyFn, name: string, counter: CrossingCounter): AnyFn {
  if (isWrapped(fn)) return fn;
  const w = function (this: unknown, ...args: unknown[]): unknown {
    counter.hit(name, 'jsToNative');
    wrapArgs(args, name, counter);
    const r = fn.apply(this, args);
    if (r instanceof Promise) {
      return r.then(
        (v: unknown) => {
          counter.hit(`${name} (settled)`, 'nativeToJs');
          return v;
        },
        (e: unknown) => {
          counter.hit(`${name} (settled)`, 'nativeToJs');
          throw e;
        },
      );
    }
    return r;
  };
  return mark(w);
}

/** A class: a function whose prototype has members besides the constructor. */
function isClass(f: AnyFn): boolean {
  const proto = (f as unknown as { prototype?: object }).prototype;
  return proto !== undefined && Object.getOwnPropertyNames(proto).some((k) => k !== 'constructor');
}

/** Wraps `target`'s member `key` (a method or an accessor) as described by `d`; false when it cannot. */
function wrapMember(target: object, key: string, d: PropertyDescriptor, name: string, counter: CrossingCounter, own: boolean): boolean {
  let next: PropertyDescriptor;
  if (typeof d.value === 'function') next = { ...d, value: wrapNative(d.value as AnyFn, name, counter) };
  else if (d.get || d.set) {
    next = { ...d, ...(d.get ? { get: wrapNative(d.get as AnyFn, `${name} (get)`, counter) } : {}), ...(d.set ? { set: wrapNative(d.set as AnyFn, `${name} (set)`, counter) } : {}) };
  } else return false;
  // An own property on an instance shadows its prototype's, even a non-configurable one.
  if (own) next.configurable = true;
  Object.defineProperty(target, key, next);
  return true;
}

/**
 * Wraps the members of a class's prototype. node-addon-api defines them non-configurable (they
 * cannot be replaced): those are returned, to be shadowed on each instance instead.
 */
function instrumentPrototype(proto: object, cls: string, counter: CrossingCounter): { wrapped: number; fixed: [string, PropertyDescriptor][] } {
  let wrapped = 0;
  const fixed: [string, PropertyDescriptor][] = [];
  for (const key of Object.getOwnPropertyNames(proto)) {
    if (key === 'constructor') continue;
    const d = Object.getOwnPropertyDescriptor(proto, key);
    if (!d) continue;
    if (!d.configurable) {
      if (typeof d.value === 'function' || d.get || d.set) fixed.push([key, d]);
      continue;
    }
    if (wrapMember(proto, key, d, `${cls}.${key}`, counter, false)) wrapped++;
  }
  return { wrapped, fixed };
}

/**
 * Instruments a loaded native binding (the object a .node file exports) in place: its plain
 * functions and the prototype members of its classes. Returns how many members were wrapped.
 * Members JS code already holds a direct reference to (a destructured function) are missed: call
 * this before the client library is loaded or before it creates its objects.
 */
export function instrumentBinding(binding: object, label: string, counter: CrossingCounter): number {
  let n = 0;
  const b = binding as Record<string, unknown>;
  for (const key of Object.getOwnPropertyNames(b)) {
    const d = Object.getOwnPropertyDescriptor(b, key);
    if (!d || typeof d.value !== 'function') continue;
    const f = d.value as AnyFn;
    if (isClass(f)) {
      const cls = `${label}.${key}`;
      const { wrapped, fixed } = instrumentPrototype((f as unknown as { prototype: object }).prototype, cls, counter);
      n += wrapped;
      if (fixed.length > 0 && (d.writable || d.configurable)) {
        // Members that cannot be replaced on the prototype are shadowed on every instance the
        // constructor makes (clients that look the constructor up on the binding get this one).
        const ctor = new Proxy(f, {
          construct(target, args, newTarget) {
            const obj = Reflect.construct(target as unknown as new (...a: unknown[]) => object, args, newTarget === ctor ? target : newTarget) as object;
            for (const [k, desc] of fixed) wrapMember(obj, k, desc, `${cls}.${k}`, counter, true);
            return obj;
          },
        });
        Object.defineProperty(b, key, { ...d, value: ctor });
        n += fixed.length;
      }
    } else if (d.writable || d.configurable) {
      Object.defineProperty(b, key, { ...d, value: wrapNative(f, `${label}.${key}`, counter) });
      n++;
    }
  }
  return n;
}
