/** An environment record: `process.env` or any plain object of the same shape. */
export type Env = Readonly<Record<string, string | undefined>>;
