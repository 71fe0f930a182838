// Deliberately wrong (Next's body parser left on) so the end-to-end test can check that
// stashkit answers 500 naming the fix instead of verifying re-serialised bytes.
import { pagesRoute } from "@stashkit/next";
import { contractDestination } from "@/lib/contract";
import { hostOptions } from "@/lib/hostOptions";

export default pagesRoute(contractDestination, hostOptions);
