// The shared contract definitions, imported from the repository's contract suite so the
// Next app serves exactly what core and Express are tested with (Next bundles files
// outside the app directory within the workspace root).
export { contractAdmin, contractCallback, contractDestination, contractFailureCallback } from "../../../test/contract/definitions";
