// procMount_restricted (restricted; overrides procMount)
// Reads:   spec.{initContainers,containers,ephemeralContainers}[*].securityContext.procMount
// Allows:  unset or exactly "Default"; no user-namespace relaxation (hostUsers: false does not help).
// Variants: v1.35 (check added, overrides the baseline procMount check, whose v1.35 variant relaxes for hostUsers: false).
import type { CheckDefinition } from "../types";
import { procMountDefaultOnly } from "./procMount";

export const procMount_restricted: CheckDefinition = {
    id: "procMount_restricted",
    level: "restricted",
    fix: "remove securityContext.procMount (or set it to Default) on every container; restricted allows no other value",
    versions: [{ minVersion: 35, check: procMountDefaultOnly, overrides: ["procMount"] }],
};
