export { waitFor } from '@switchyard/harness';

/** A promise with its resolver, to release a handler the test holds on purpose. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}
