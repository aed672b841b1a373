// sysctls (baseline)
// Reads:   spec.securityContext.sysctls[*].name (values are not checked; containers have no sysctls).
// Allows:  names in the version's allow-list, exact string match:
//          v1.0  kernel.shm_rmid_forced, net.ipv4.ip_local_port_range, net.ipv4.tcp_syncookies,
//                net.ipv4.ping_group_range, net.ipv4.ip_unprivileged_port_start
//          v1.27 + net.ipv4.ip_local_reserved_ports
//          v1.29 + net.ipv4.tcp_keepalive_time, net.ipv4.tcp_fin_timeout, net.ipv4.tcp_keepalive_intvl,
//                  net.ipv4.tcp_keepalive_probes
//          v1.32 + net.ipv4.tcp_rmem, net.ipv4.tcp_wmem
//          v1.37 + net.ipv4.tcp_slow_start_after_idle, net.ipv4.tcp_notsent_lowat
// Variants: v1.0, v1.27, v1.29, v1.32, v1.37.
import type { CheckDefinition, CheckFailure, PodContext, PsaFinding } from "../types";
import { arr, obj, str } from "../util";

const SYSCTLS_1_0 = [
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_unprivileged_port_start",
];
const SYSCTLS_1_27 = [...SYSCTLS_1_0, "net.ipv4.ip_local_reserved_ports"];
const SYSCTLS_1_29 = [
    ...SYSCTLS_1_27,
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
];
const SYSCTLS_1_32 = [...SYSCTLS_1_29, "net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"];
const SYSCTLS_1_37 = [...SYSCTLS_1_32, "net.ipv4.tcp_slow_start_after_idle", "net.ipv4.tcp_notsent_lowat"];

/** The allow-list per minimum policy minor version (exported for tests and documentation). */
export const SYSCTL_ALLOW_LISTS: ReadonlyMap<number, readonly string[]> = new Map([
    [0, Object.freeze(SYSCTLS_1_0)],
    [27, Object.freeze(SYSCTLS_1_27)],
    [29, Object.freeze(SYSCTLS_1_29)],
    [32, Object.freeze(SYSCTLS_1_32)],
    [37, Object.freeze(SYSCTLS_1_37)],
]);

function sysctlsWith(allowedList: readonly string[]) {
    const allowed: ReadonlySet<string> = new Set(allowedList);
    return function sysctls(ctx: PodContext): CheckFailure | undefined {
        if (ctx.podSC === undefined) return undefined;
        const list = arr(ctx.podSC.sysctls);
        if (list === undefined) return undefined;
        let forbidden: string[] | undefined;
        let findings: PsaFinding[] | undefined;
        for (let i = 0; i < list.length; i++) {
            const s = obj(list[i]);
            const name = s === undefined ? "" : str(s.name);
            if (allowed.has(name)) continue;
            (forbidden ??= []).push(name);
            (findings ??= []).push({ path: `spec.securityContext.sysctls[${i}].name`, value: s?.name });
        }
        if (forbidden === undefined) return undefined;
        return { reason: "forbidden sysctls", detail: forbidden.join(", "), findings: findings! };
    };
}

const fixFor = (list: readonly string[]): string => `use only allowed sysctls in spec.securityContext.sysctls (${list.join(", ")})`;

export const sysctls: CheckDefinition = {
    id: "sysctls",
    level: "baseline",
    fix: fixFor(SYSCTLS_1_37),
    versions: [...SYSCTL_ALLOW_LISTS].map(([minVersion, list]) => ({
        minVersion,
        check: sysctlsWith(list),
        fix: fixFor(list),
    })),
};
