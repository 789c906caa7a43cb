// A registry of everything to undo (listeners, timers, observers), so a reloaded extension or
// a replaced <video> element leaves nothing behind.

export class Cleanup {
  constructor() {
    this.undo = [];
  }

  listen(target, type, handler, options) {
    target.addEventListener(type, handler, options);
    this.undo.push(() => target.removeEventListener(type, handler, options));
  }

  interval(handler, ms) {
    const id = setInterval(handler, ms);
    this.undo.push(() => clearInterval(id));
    return id;
  }

  observe(observer, target, options) {
    observer.observe(target, options);
    this.undo.push(() => observer.disconnect());
  }

  add(undo) {
    this.undo.push(undo);
  }

  dispose() {
    for (const undo of this.undo.splice(0).reverse()) {
      try {
        undo();
      } catch {
        // keep undoing the rest
      }
    }
  }
}
