/**
 * Calls `then` once the frame holding what is on screen now is painted (a frame, then a task), to
 * keep work out of the task that draws; returns what cancels it. A hidden page paints no frames:
 * `then` waits until it is shown.
 */
export function afterPaint(then: () => void): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const frame = requestAnimationFrame(() => (timer = setTimeout(then, 0)));
  return () => {
    cancelAnimationFrame(frame);
    clearTimeout(timer);
  };
}
