/** What a format writer produces: the status to send and the JSON body. */
export type ErrorResponse = {
  readonly status: number;
  readonly body: unknown;
};
