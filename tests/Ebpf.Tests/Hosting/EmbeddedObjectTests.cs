using Ebpf.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Ebpf.Tests.Hosting;

/// <summary>The build embeds every &lt;BpfProgram&gt; object as a manifest resource, and hosting loads it from there.</summary>
public class EmbeddedObjectTests
{
    [TestCase("hosting.bpfel.o")]
    [TestCase("hosting.bpfeb.o")]
    public void TheBuildEmbedsBothByteOrdersUnderTheirFileNames(string resource)
    {
        using var stream = typeof(EmbeddedObjectTests).Assembly.GetManifestResourceStream(resource);
        Assert.That(stream, Is.Not.Null, resource);
        using var copy = new MemoryStream();
        stream!.CopyTo(copy);
        Assert.That(copy.ToArray(), Is.EqualTo(File.ReadAllBytes(Path.Combine(TestPrograms.Directory, resource))));
    }

    [Test]
    public void AnEmbeddedObjectReadsAsASpec()
    {
        using var stream = typeof(EmbeddedObjectTests).Assembly.GetManifestResourceStream("hosting.bpfeb.o")!;
        var spec = CollectionSpec.Load(stream);
        Assert.That(spec.ByteOrder, Is.EqualTo(Ebpf.Asm.ByteOrder.BigEndian));
        Assert.That(spec.Programs.Keys, Does.Contain("on_sys_enter"));
    }

    [Test]
    [Category("Kernel")]
    [NonParallelizable]
    public async Task AHostLoadsACollectionFromAnEmbeddedObject()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddEbpf(o => o.PinPath = string.Empty);
        string resource = BitConverter.IsLittleEndian ? "hosting.bpfel.o" : "hosting.bpfeb.o";
        builder.Services.AddEbpfCollection("hosting", b => b.FromResource(typeof(EmbeddedObjectTests).Assembly, resource));
        using var host = builder.Build();
        await host.StartAsync();
        var handle = host.Services.GetRequiredKeyedService<EbpfCollectionHandle>("hosting");
        Assert.That(handle.State, Is.EqualTo(EbpfCollectionState.Loaded));
        Assert.That(handle.Collection.Programs.Keys, Does.Contain("on_sys_enter"));
        handle.Collection.Maps["target"].Update(0u, 42u);
        Assert.That(handle.Collection.Maps["target"].Lookup<uint, uint>(0u), Is.EqualTo(42u));
        await host.StopAsync();
    }
}
