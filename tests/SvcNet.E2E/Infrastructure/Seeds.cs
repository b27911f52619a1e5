namespace SvcNet.E2E.Infrastructure;

/// <summary>
/// The manifests of seed 004_abe9a060e1c4de9b.txt, read from <c>examples/seed-004/</c> (the files `make demo`
/// and the README use, copied next to the tests). The seed's second manifest marks `name: http-web-svc` and
/// `targetPort: http-web-svc` with Markdown emphasis (`*…*`), which is not YAML; the files hold what it means.
/// </summary>
public static class Seeds
{
    public static string MyService { get; } = Read("my-service.yaml");

    public static string NginxPodAndService { get; } = Read("nginx.yaml");

    private static string Read(string file) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "seed-004", file));
}
