import { UNGROUPED_GROUP_ID } from '@switchyard/domain';

/**
 * Platform of the metrics rows that hold errors recorded before a platform was known (auth or
 * routing failures). Without it such errors would land in a row with platform NULL — the
 * overall row — and be counted twice there. Never a real platform name.
 */
export const UNKNOWN_PLATFORM = 'unknown';

/** Platform key of an error record. */
export function errorPlatform(platform: string | null): string {
  return platform ?? UNKNOWN_PLATFORM;
}

/**
 * Group key of a record in the per-group rows: an ungrouped key's traffic goes to group 0 (the
 * domain's ungrouped group), never to group NULL, which is the platform's all-groups row.
 */
export function groupKey(groupId: number | null): number {
  return groupId ?? UNGROUPED_GROUP_ID;
}

/** Identity of a metrics row within a bucket: NULL platform / group mean "all". */
export type SliceKey = { readonly platform: string | null; readonly groupId: number | null };

export function sliceId(key: SliceKey): string {
  return `${key.platform ?? '*'}|${key.groupId ?? '*'}`;
}

/** The three slices a record counts in: everything, its platform, its platform × group. */
export function slicesOf(platform: string, groupId: number): readonly SliceKey[] {
  return [
    { platform: null, groupId: null },
    { platform, groupId: null },
    { platform, groupId },
  ];
}
