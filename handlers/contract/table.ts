/**
 * The notes table's keys: the owner's principal id, then the note's id. The store queries by
 * them and the backend creates the table from them. Import-free, so the program can read it.
 */
export const TABLE_KEYS = { partition: "userId", sort: "noteId" } as const;
