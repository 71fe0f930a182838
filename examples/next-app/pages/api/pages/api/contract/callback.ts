import { pagesRoute } from "@stashkit/next";
import { contractCallback } from "@/lib/contract";
import { hostOptions } from "@/lib/hostOptions";

// stashkit verifies the exact bytes QStash signed, so Next must not parse them first.
export const config = { api: { bodyParser: false } };
export default pagesRoute(contractCallback, hostOptions);
