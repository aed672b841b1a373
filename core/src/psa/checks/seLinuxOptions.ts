// seLinuxOptions (baseline)
// Reads:   spec.securityContext.seLinuxOptions.{type,user,role} and the same on every init, regular and
//          ephemeral container's securityContext (each present object judged alone). level is never checked.
// Allows:  type "" (or unset), container_t, container_init_t, container_kvm_t (+ container_engine_t from v1.31);
//          user and role empty or unset.
// Variants: v1.0; v1.31 (adds container_engine_t).
import type { CheckDefinition, CheckFailure, Obj, PodContext, PsaFinding } from "../types";
import { containerFinding, containersPhrase, joinQuote, obj, pluralize, sortedUnique, str } from "../util";

const SELINUX_ALLOWED_TYPES_1_0: ReadonlySet<string> = new Set(["", "container_t", "container_init_t", "container_kvm_t"]);
const SELINUX_ALLOWED_TYPES_1_31: ReadonlySet<string> = new Set([...SELINUX_ALLOWED_TYPES_1_0, "container_engine_t"]);

interface Acc {
    types?: string[];
    setUser: boolean;
    setRole: boolean;
    findings: PsaFinding[];
}

/** Returns the findings of one seLinuxOptions object (empty when valid), recording bad types/user/role. */
function inspect(opts: Obj, allowed: ReadonlySet<string>, acc: Acc, makeFinding: (rest: string, value: unknown) => PsaFinding): boolean {
    let valid = true;
    const type = str(opts.type);
    if (!allowed.has(type)) {
        valid = false;
        (acc.types ??= []).push(type);
        acc.findings.push(makeFinding("type", opts.type));
    }
    if (str(opts.user).length > 0) {
        valid = false;
        acc.setUser = true;
        acc.findings.push(makeFinding("user", opts.user));
    }
    if (str(opts.role).length > 0) {
        valid = false;
        acc.setRole = true;
        acc.findings.push(makeFinding("role", opts.role));
    }
    return valid;
}

function seLinuxOptionsWith(allowed: ReadonlySet<string>) {
    return function seLinuxOptions(ctx: PodContext): CheckFailure | undefined {
        let acc: Acc | undefined;
        let setters: string[] | undefined;
        const podOpts = ctx.podSC === undefined ? undefined : obj(ctx.podSC.seLinuxOptions);
        if (podOpts !== undefined) {
            acc = { setUser: false, setRole: false, findings: [] };
            if (!inspect(podOpts, allowed, acc, (rest, value) => ({ path: "spec.securityContext.seLinuxOptions." + rest, value }))) {
                setters = ["pod"];
            }
        }
        let bad: string[] | undefined;
        const cs = ctx.containers;
        for (let i = 0; i < cs.length; i++) {
            const sc = cs[i].sc;
            if (sc === undefined) continue;
            const opts = obj(sc.seLinuxOptions);
            if (opts === undefined) continue;
            acc ??= { setUser: false, setRole: false, findings: [] };
            const ref = cs[i];
            if (!inspect(opts, allowed, acc, (rest, value) => containerFinding(ref, "securityContext.seLinuxOptions." + rest, value))) {
                (bad ??= []).push(ref.name);
            }
        }
        if (bad !== undefined) (setters ??= []).push(containersPhrase(bad));
        if (setters === undefined) return undefined;
        const badData: string[] = [];
        if (acc!.types !== undefined) {
            const types = sortedUnique(acc!.types);
            badData.push(`${pluralize("type", "types", types.length)} ${joinQuote(types)}`);
        }
        if (acc!.setUser) badData.push("user may not be set");
        if (acc!.setRole) badData.push("role may not be set");
        return {
            reason: "seLinuxOptions",
            detail: `${setters.join(" and ")} set forbidden securityContext.seLinuxOptions: ${badData.join("; ")}`,
            findings: acc!.findings,
        };
    };
}

export const seLinuxOptions: CheckDefinition = {
    id: "seLinuxOptions",
    level: "baseline",
    fix: "leave seLinuxOptions.user and .role unset and use an allowed type (container_t, container_init_t, container_kvm_t, container_engine_t from v1.31) or none",
    versions: [
        { minVersion: 0, check: seLinuxOptionsWith(SELINUX_ALLOWED_TYPES_1_0) },
        { minVersion: 31, check: seLinuxOptionsWith(SELINUX_ALLOWED_TYPES_1_31) },
    ],
};
