/**
 * What the bus needs from a schema: zod's `safeParse` shape. Declared structurally so the bus
 * does not pin a validation library; any zod 4 schema satisfies it.
 */
export interface BusSchema<T> {
  safeParse(data: unknown): { success: true; data: T } | { success: false; error: unknown };
}

/** The type a schema produces. */
export type SchemaOutput<S> = S extends BusSchema<infer T> ? T : never;

const MAX_ISSUES = 5;

/** A one-line reason from a validation error: zod issues as `path: message`, else its message. */
export function describeSchemaError(error: unknown): string {
  const issues = (error as { issues?: unknown } | null)?.issues;
  if (Array.isArray(issues) && issues.length > 0) {
    return issues
      .slice(0, MAX_ISSUES)
      .map((issue: { path?: unknown; message?: unknown }) => {
        const path =
          Array.isArray(issue.path) && issue.path.length > 0 ? issue.path.join('.') : '(root)';
        return `${path}: ${String(issue.message)}`;
      })
      .join('; ');
  }
  return error instanceof Error ? error.message : 'invalid';
}
