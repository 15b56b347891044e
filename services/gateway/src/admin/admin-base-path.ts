/**
 * Where the admin router is mounted: `app.use(ADMIN_BASE_PATH, createAdminRouter(deps))`.
 * In a file of its own so the CLI can name it without loading the router and its database code.
 */
export const ADMIN_BASE_PATH = '/admin/v1';
