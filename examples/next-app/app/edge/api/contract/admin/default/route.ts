import { route } from "@stashkit/next";
import { adminModes } from "@/lib/adminModes";
import { contractAdmin } from "@/lib/contract";

// A static path: on the Edge runtime, `next start` appends dynamic segments to request.url
// as a query string, which the signed URL does not have.
export const runtime = "edge";
export const { POST } = route(contractAdmin, adminModes["default"]);
