/** The doors a stack serves (its `doors` output; a stack of one door has only `authMode`), the primary first. */
export function doorsOf(outputs: { authMode: string; doors?: unknown }): string[] {
  const listed = Array.isArray(outputs.doors) ? outputs.doors.map(String) : [];
  return [outputs.authMode, ...listed.filter((d) => d !== outputs.authMode)];
}
