// Helpers shared by the scenarios: a weighted choice and a human-like pause.

/** True with the given probability (0..1). */
export function pick(probability) {
  return Math.random() < probability
}

/** Seconds a user waits between actions: 1 to 3 s, so load resembles people, not a loop. */
export function thinkTime() {
  return 1 + Math.random() * 2
}
