/**
 * What the canvas benchmarks run inside the page, as plain JavaScript text (a function would be
 * serialised after tsx has compiled it, helpers and all). Installed with `addInitScript` before
 * any of the page's own scripts, it exposes `window.__canvasBench`:
 *
 * - `whenLoaded(quietMs, timeoutMs)`: resolves once the page has been still for `quietMs` — no DOM
 *   mutation anywhere in the document and no long task (> 50 ms, PerformanceObserver `longtask`)
 *   — with React Flow nodes on screen and the viewport fitted. It returns `interactive`: the later
 *   of the end of the last long task and the first animation frame after the frame that showed
 *   the last DOM change (when that change had been painted), in ms since navigation start
 *   (`performance.now()`; the time origin is the start of the navigation). Also `firstNodes`
 *   (first frame with a node visible), `nodes` (visible node elements), `longTasks` and their
 *   `longTaskMs`.
 * - `startFrames()` / `stopFrames()`: records the deltas between consecutive
 *   `requestAnimationFrame` callbacks in between; `stopFrames` waits one more frame so the frame
 *   of the last input is counted.
 * - `whenQuiet(quietMs, timeoutMs)`: waits until the page is still again (after a drag).
 * - `grip(id)`: a point on React Flow node `id` that grabs the node, not one of its handles; for a
 *   node the editor does not display (a big graph zoomed out to a map, map-mode.ts, shows only the
 *   node under the pointer), the point its layout puts inside the node, with `mapped: true`: a
 *   pointer moved there makes the editor display it. `nodeAt(id)`: where the node is on screen.
 */
export const CANVAS_PROBE = String.raw`
(() => {
  if (window.__canvasBench) return;
  const state = {
    lastMutation: 0,
    dirty: false,
    pendingPaint: false,
    lastPainted: 0,
    lastLongTaskEnd: 0,
    longTasks: 0,
    longTaskMs: 0,
    firstNodes: undefined,
    frames: undefined,
    lastFrame: undefined,
  };
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        state.longTasks++;
        state.longTaskMs += entry.duration;
        state.lastLongTaskEnd = Math.max(state.lastLongTaskEnd, entry.startTime + entry.duration);
      }
    }).observe({ type: 'longtask', buffered: true });
  } catch {}
  new MutationObserver(() => {
    state.lastMutation = performance.now();
    state.dirty = true;
  }).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });

  function visibleNodes() {
    const pane = document.querySelector('.react-flow');
    if (!pane) return 0;
    const view = pane.getBoundingClientRect();
    let count = 0;
    for (const node of pane.querySelectorAll('.react-flow__node')) {
      if (getComputedStyle(node).visibility === 'hidden') continue;
      const box = node.getBoundingClientRect();
      if (box.width > 0 && box.right > view.left && box.left < view.right && box.bottom > view.top && box.top < view.bottom) count++;
    }
    return count;
  }

  /**
   * Whether React Flow shows a node yet: it renders nodes with an inline visibility: hidden until
   * they are measured. Reads inline styles only, so checking every frame forces no style or layout.
   */
  function anyShownNode() {
    for (const node of document.getElementsByClassName('react-flow__node')) if (node.style.visibility !== 'hidden') return true;
    return false;
  }

  /** One loop of frames while anyone waits or frames are recorded: marks when changes were painted, records deltas. */
  let waiters = 0;
  let running = false;
  function loop() {
    if (!running) {
      running = true;
      requestAnimationFrame(frame);
    }
  }
  function frame(t) {
    if (state.dirty) {
      state.dirty = false;
      state.pendingPaint = true;
    } else if (state.pendingPaint) {
      state.pendingPaint = false;
      state.lastPainted = t;
    }
    if (state.frames) {
      if (state.lastFrame !== undefined) state.frames.push(t - state.lastFrame);
      state.lastFrame = t;
    }
    if (waiters > 0 || state.frames) requestAnimationFrame(frame);
    else running = false;
  }
  function hold() {
    waiters++;
    loop();
  }
  function release() {
    waiters--;
  }

  function whenStill(quietMs, timeoutMs, ready) {
    hold();
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const check = () => {
        const now = performance.now();
        const still = !state.dirty && !state.pendingPaint && now - Math.max(state.lastMutation, state.lastLongTaskEnd) >= quietMs;
        if (still && ready()) {
          release();
          resolve();
        } else if (now - started > timeoutMs) {
          release();
          reject(new Error(state.firstNodes === undefined ? 'no React Flow node was shown within ' + timeoutMs + ' ms' : 'the page did not settle within ' + timeoutMs + ' ms'));
        } else setTimeout(check, 50);
      };
      check();
    });
  }

  // Frames run from the first script on, so a change painted before whenLoaded is called counts.
  let loading = true;
  hold();

  /** Where a node that is not displayed would be grabbed: its wrapper's translate, through the viewport's transform. */
  function mappedGrip(node, view) {
    const viewport = new DOMMatrixReadOnly(getComputedStyle(document.querySelector('.react-flow__viewport')).transform);
    const at = /translate\(([-\d.]+)px, ?([-\d.]+)px\)/.exec(node.style.transform);
    if (at === null) return undefined;
    const zoom = viewport.a;
    const left = view.left + viewport.e + Number(at[1]) * zoom;
    const top = view.top + viewport.f + Number(at[2]) * zoom;
    return { x: left + 88 * zoom, y: top + 30 * zoom, left, canvasWidth: view.width, canvasHeight: view.height, mapped: true };
  }

  window.__canvasBench = {
    async whenLoaded(quietMs, timeoutMs) {
      const watchNodes = (t) => {
        if (state.firstNodes === undefined && anyShownNode()) state.firstNodes = t;
        if (state.firstNodes === undefined) requestAnimationFrame(watchNodes);
      };
      requestAnimationFrame(watchNodes);
      const viewport = () => document.querySelector('.react-flow__viewport');
      const fitted = () => {
        const v = viewport();
        return v !== null && !/translate\(0px, 0px\) scale\(1\)/.test(v.style.transform);
      };
      try {
        await whenStill(quietMs, timeoutMs, () => state.firstNodes !== undefined && fitted());
      } finally {
        if (loading) {
          loading = false;
          release();
        }
      }
      return {
        interactive: Math.max(state.lastPainted, state.lastLongTaskEnd),
        firstNodes: state.firstNodes,
        nodes: visibleNodes(),
        longTasks: state.longTasks,
        longTaskMs: state.longTaskMs,
        transform: viewport().style.transform,
      };
    },
    whenQuiet(quietMs, timeoutMs) {
      return whenStill(quietMs, timeoutMs, () => true);
    },
    startFrames() {
      state.frames = [];
      state.lastFrame = undefined;
      loop();
    },
    stopFrames() {
      return new Promise((resolve) => {
        requestAnimationFrame(() => {
          const frames = state.frames || [];
          state.frames = undefined;
          resolve(frames);
        });
      });
    },
    /** Where node id is on screen (left, top), or undefined. */
    nodeAt(id) {
      const node = document.querySelector('.react-flow__node[data-id="' + CSS.escape(id) + '"]');
      if (node === null) return undefined;
      const box = node.getBoundingClientRect();
      return { left: box.left, top: box.top };
    },
    /** A point on node id that is the node itself, not a handle (pressing a handle starts a connection). */
    grip(id) {
      const node = document.querySelector('.react-flow__node[data-id="' + CSS.escape(id) + '"]');
      const pane = document.querySelector('.react-flow');
      if (node === null || pane === null) return undefined;
      const box = node.getBoundingClientRect();
      const view = pane.getBoundingClientRect();
      if (box.width === 0) return mappedGrip(node, view);
      for (const fy of [0.25, 0.4, 0.15, 0.5, 0.6]) {
        for (const fx of [0.5, 0.35, 0.65]) {
          const x = box.left + box.width * fx;
          const y = box.top + box.height * fy;
          const hit = document.elementFromPoint(x, y);
          if (hit !== null && hit.closest('.react-flow__node') === node && hit.closest('.react-flow__handle') === null) {
            return { x, y, left: box.left, canvasWidth: view.width, canvasHeight: view.height };
          }
        }
      }
      return undefined;
    },
  };
})();
`;
