using System.Diagnostics;
using System.Globalization;
using System.Net;
using k8s;
using k8s.Models;

namespace SvcNet.Bench.Proxy;

/// <summary>
/// `proxy-npl [--services 100] [--min-sync-periods 1s,0] [--idle 15] [--svcnet PATH] [--logs DIR]`: network programming latency
/// in a 3-node lab as `svcnet lab up` makes it (kubelets, CNI, proxies). A netexec pod runs on node1, a client pod on node2. For each Service, one after another: create
/// it (selector = the pod), then connect from the client pod to its ClusterIP until a GET answers; the latency is
/// creation → first answer (polled with a new connection every ~10 ms, 50 ms connect timeout) (API write, EndpointSlice controller, both watches, the proxy's sync and
/// iptables-restore on node2). The baseline, measured right after in the same run, is the same GET to the pod's
/// IP directly: what any connection costs here. Also records each proxy's RSS and CPU at start-up, idle, and
/// after the Services. Needs root; everything lives in a lab named svct-bench*, removed at the end.
/// </summary>
public static class NetworkProgrammingScenario
{
    public const string Name = "proxy-npl";

    public static async Task<int> RunAsync(string[] args)
    {
        var services = int.Parse(ScenarioArgs.Get(args, "--services", "100"), CultureInfo.InvariantCulture);
        var periods = ScenarioArgs.Get(args, "--min-sync-periods", "1s,0").Split(',', StringSplitOptions.RemoveEmptyEntries);
        var idle = TimeSpan.FromSeconds(int.Parse(ScenarioArgs.Get(args, "--idle", "15"), CultureInfo.InvariantCulture));
        var svcnet = ScenarioArgs.Get(args, "--svcnet", ScenarioArgs.DefaultSvcnet());
        Console.WriteLine($"# proxy-npl: {services} Services created one after another, 3-node lab, client pod on node2, server pod on node1; {Environment.ProcessorCount} CPUs; svcnet {svcnet}");

        await using var lab = await BenchLab.StartAsync(svcnet).ConfigureAwait(false);
        lab.KeepLogsIn = ScenarioArgs.Get(args, "--logs", "") is { Length: > 0 } logs ? logs : null;
        var (_, serverIP) = await lab.StartPodAsync("npl-server", lab.Topology.Nodes[0], new Dictionary<string, string> { ["app"] = "npl" }).ConfigureAwait(false);
        var (client, _) = await lab.StartPodAsync("npl-client", lab.Topology.Nodes[1], new Dictionary<string, string> { ["app"] = "npl-client" }).ConfigureAwait(false);
        var direct = new IPEndPoint(serverIP, 8080);

        var latencyRows = new List<string>();
        var usageRows = new List<string>();
        foreach (var period in periods)
        {
            var start = Stopwatch.StartNew();
            await lab.StartProxiesAsync("--min-sync-period", period, "--v", ScenarioArgs.Get(args, "--v", "0")).ConfigureAwait(false);
            var startup = start.Elapsed;
            var pids = new List<int>();
            foreach (var node in lab.Topology.Nodes)
            {
                pids.Add(await lab.PidOfAsync(BenchLab.ProxyId(node.Name)).ConfigureAwait(false));
            }
            var atStart = pids.Select(ProcessUsage.Of).ToList();
            await Task.Delay(idle).ConfigureAwait(false);
            var afterIdle = pids.Select(ProcessUsage.Of).ToList();

            var latencies = new List<TimeSpan>();
            var baselines = new List<TimeSpan>();
            for (var i = 0; i < services; i++)
            {
                var name = $"npl-{(period == "0" ? "zero" : period.Replace(".", "", StringComparison.Ordinal))}-{i}";
                var watch = Stopwatch.StartNew();
                var svc = await lab.Client.CoreV1.CreateNamespacedServiceAsync(new V1Service
                {
                    Metadata = new V1ObjectMeta { Name = name },
                    Spec = new V1ServiceSpec { Selector = new Dictionary<string, string> { ["app"] = "npl" }, Ports = [new V1ServicePort { Port = 80, TargetPort = 8080 }] },
                }, "default").ConfigureAwait(false);
                var to = new IPEndPoint(IPAddress.Parse(svc.Spec.ClusterIP), 80);
                while (await Http.StatusAsync(client, to, "/hostname", connectTimeoutMs: 50).ConfigureAwait(false) != 200)
                {
                    if (watch.Elapsed > TimeSpan.FromSeconds(120))
                    {
                        throw new TimeoutException($"{name} ({to}) not reachable from node2's pod after 120s");
                    }
                    await Task.Delay(10).ConfigureAwait(false);
                }
                latencies.Add(watch.Elapsed);
                var baseline = Stopwatch.StartNew();
                if (await Http.StatusAsync(client, direct, "/hostname").ConfigureAwait(false) != 200)
                {
                    throw new InvalidOperationException("the server pod does not answer directly");
                }
                baselines.Add(baseline.Elapsed);
            }
            var afterServices = pids.Select(ProcessUsage.Of).ToList();
            latencyRows.Add($"| {period} | {services} | {Ms(Percentile(latencies, 0.5))} | {Ms(Percentile(latencies, 0.9))} | {Ms(Percentile(latencies, 0.99))} | {Ms(latencies.Max())} | {Ms(Percentile(baselines, 0.5))} / {Ms(Percentile(baselines, 0.99))} |");
            usageRows.Add($"| {period} | {startup.TotalSeconds:0.0} s | {string.Join(" / ", atStart.Select(u => $"{u.RssMiB:0}"))} MiB | {string.Join(" / ", atStart.Select(u => $"{u.Cpu.TotalSeconds:0.0}"))} s"
                + $" | {string.Join(" / ", atStart.Zip(afterIdle).Select(p => $"{(p.Second.Cpu - p.First.Cpu) / idle * 100:0.0}"))} %"
                + $" | {string.Join(" / ", afterServices.Select(u => $"{u.RssMiB:0}"))} MiB | {string.Join(" / ", afterIdle.Zip(afterServices).Select(p => $"{(p.Second.Cpu - p.First.Cpu).TotalSeconds:0.0}"))} s |");

            // The next run starts from the same state: no Services but the server's.
            var list = await lab.Client.CoreV1.ListNamespacedServiceAsync("default").ConfigureAwait(false);
            foreach (var s in list.Items.Where(s => s.Metadata.Name.StartsWith("npl-", StringComparison.Ordinal)))
            {
                await lab.Client.CoreV1.DeleteNamespacedServiceAsync(s.Metadata.Name, "default").ConfigureAwait(false);
            }
        }

        Console.WriteLine();
        Console.WriteLine("| --min-sync-period | Services | p50 | p90 | p99 | max | baseline: same GET to the pod IP, p50 / p99 |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        latencyRows.ForEach(Console.WriteLine);
        Console.WriteLine();
        Console.WriteLine($"| --min-sync-period | start → all 3 healthy | RSS at start (node1/2/3) | CPU time at start | CPU while idle ({idle.TotalSeconds:0} s) | RSS after {services} Services | CPU time for {services} Services |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        usageRows.ForEach(Console.WriteLine);
        return 0;
    }

    private static TimeSpan Percentile(List<TimeSpan> values, double q)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Max(0, (int)Math.Ceiling(q * sorted.Count) - 1)];
    }

    private static string Ms(TimeSpan t) => t.TotalMilliseconds >= 1000 ? $"{t.TotalSeconds:0.00} s" : $"{t.TotalMilliseconds:0.0} ms";
}
