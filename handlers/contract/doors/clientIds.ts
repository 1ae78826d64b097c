import { list } from "../settings";

/** App client ids whose tokens the handler accepts (audience pinning), for every door that pins. */
export const allowedClientIds = list("ALLOWED_CLIENT_IDS", { nonEmpty: true });
