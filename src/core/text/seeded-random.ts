/**
 * mulberry32: a small deterministic pseudo-random generator over a 32-bit state, for choices that a
 * seed must repeat (an audit's sample of notes, a drill's planted bug). Not for anything secret.
 */
export function mulberry32(seedState: number): () => number {
  let state = seedState >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
