/** Names that mark (in TypeScript and Python loops) a comparison as an attempt or time bound (`attempt >= maxAttempts`, `Date.now() > deadline`). */
export const BOUND_NAME = /attempt|retr(?:y|ies)|tries|tried|max|limit|remaining|budget|deadline|elapsed/i;
