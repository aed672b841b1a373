// A small client of the test API server for the test node's agent (node-agent.ts): the agent polls several times a
// second, so it talks HTTPS directly (token and CA from the suite's kubeconfig) instead of starting kubectl each time.
import * as fs from "fs";
import * as https from "https";
import * as yaml from "js-yaml";

export class ApiError extends Error {
    constructor(
        readonly status: number,
        readonly body: string,
        what: string,
    ) {
        super(`${what}: HTTP ${status} ${body.slice(0, 500)}`);
    }
}

export interface Api {
    readonly server: string;
    readonly ca: string;
    readonly token: string;
    request<T = any>(method: string, path: string, body?: unknown, contentType?: string): Promise<T>;
    get<T = any>(path: string): Promise<T>;
    /** undefined on 404. */
    find<T = any>(path: string): Promise<T | undefined>;
    mergePatch<T = any>(path: string, patch: unknown): Promise<T>;
}

export function apiFromKubeconfig(kubeconfig: string): Api {
    const cfg: any = yaml.load(fs.readFileSync(kubeconfig, "utf8"));
    const server: string = cfg.clusters[0].cluster.server;
    const ca = Buffer.from(cfg.clusters[0].cluster["certificate-authority-data"], "base64").toString();
    const token: string = cfg.users[0].user.token;
    const agent = new https.Agent({ ca, keepAlive: true, maxSockets: 8 });
    const request = <T>(method: string, path: string, body?: unknown, contentType = "application/json"): Promise<T> =>
        new Promise((resolve, reject) => {
            const data = body === undefined ? undefined : JSON.stringify(body);
            const req = https.request(
                `${server}${path}`,
                {
                    method,
                    agent,
                    timeout: 15_000,
                    headers: {
                        Authorization: `Bearer ${token}`,
                        Accept: "application/json",
                        ...(data !== undefined ? { "Content-Type": contentType, "Content-Length": Buffer.byteLength(data) } : {}),
                    },
                },
                (res) => {
                    let text = "";
                    res.setEncoding("utf8");
                    res.on("data", (d) => (text += d));
                    res.on("end", () => {
                        const status = res.statusCode ?? 0;
                        if (status >= 200 && status < 300) resolve(text ? JSON.parse(text) : (undefined as T));
                        else reject(new ApiError(status, text, `${method} ${path}`));
                    });
                },
            );
            req.on("timeout", () => req.destroy(new Error(`${method} ${path}: no answer in 15 s`)));
            req.on("error", reject);
            if (data !== undefined) req.write(data);
            req.end();
        });
    return {
        server,
        ca,
        token,
        request,
        get: (path) => request("GET", path),
        find: async (path) => {
            try {
                return await request("GET", path);
            } catch (e) {
                if (e instanceof ApiError && e.status === 404) return undefined;
                throw e;
            }
        },
        mergePatch: (path, patch) => request("PATCH", path, patch, "application/merge-patch+json"),
    };
}
