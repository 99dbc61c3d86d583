using Ebpf.Btf;

namespace Ebpf.Tests.Btf;

public class BtfTypeReaderTests
{
    [Test]
    public void VisitsEveryOwnRecordWithTheDecodedKindAndName()
    {
        var kernel = BtfSpec.Parse(BtfTestData.KernelBytes());
        var baseSpec = BtfSpec.Load(BtfTestData.Shared("btf_testmod.btf.base"));
        var split = BtfSpec.Load(BtfTestData.Shared("btf_testmod.btf"), baseSpec);
        foreach (var spec in new[] { kernel, split, BtfSpec.Parse(ObjectBtf.Section("btf_kinds", bigEndian: true)) })
        {
            uint expectedId = spec.FirstTypeId;
            var reader = spec.GetTypeReader();
            while (reader.Read())
            {
                var type = spec.GetTypeById(reader.Id);
                if (reader.Id != expectedId || reader.Kind != type.Kind || System.Text.Encoding.UTF8.GetString(reader.NameUtf8) != type.Name)
                {
                    Assert.Fail($"type {expectedId}: reader says {reader.Id} {reader.Kind} '{System.Text.Encoding.UTF8.GetString(reader.NameUtf8)}', spec says {type.Kind} '{type.Name}'");
                }

                expectedId++;
            }

            Assert.That(expectedId, Is.EqualTo(spec.LastTypeId + 1));
            Assert.That(reader.Read(), Is.False);
        }
    }

    [Test]
    public void ExposesVlenKindFlagAndSizeOfTheRecord()
    {
        var spec = BtfSpec.Parse(BtfTestData.KernelBytes());
        var reader = spec.GetTypeReader();
        uint taskStruct = spec.FindIds("task_struct", BtfKind.Struct)[0];
        while (reader.Read() && reader.Id != taskStruct)
        {
        }

        var type = (BtfStruct)spec.GetTypeById(taskStruct);
        Assert.That(reader.Vlen, Is.EqualTo(type.Members.Count));
        Assert.That(reader.SizeOrType, Is.EqualTo(type.Size));
        Assert.That(reader.KindFlag, Is.EqualTo(spec.Record(taskStruct).KindFlag));
    }

    [Test]
    public void ThrowsBeforeTheFirstRead()
    {
        var spec = BtfSpec.Parse(BtfTestData.KernelBytes());
        Assert.Throws<InvalidOperationException>(() =>
        {
            var reader = spec.GetTypeReader();
            _ = reader.Kind;
        });
    }
}
