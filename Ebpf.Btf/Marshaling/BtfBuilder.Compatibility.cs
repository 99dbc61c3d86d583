using System.Text;

namespace Ebpf.Btf.Marshaling;

public sealed partial class BtfBuilder
{
    /// <summary>
    /// The rewrites of <see cref="BtfMarshalOptions"/>, applied to copies of the records while marshaling, in the
    /// order libbpf's <c>bpf_object__sanitize_btf</c> tries them (one rewrite per record). New strings go to an
    /// overlay after the builder's own, so the builder itself is left as it was.
    /// </summary>
    private sealed class BtfCompatibilityRewriter
    {
        private readonly BtfBuilder _builder;
        private readonly BtfMarshalOptions _options;
        private readonly Dictionary<string, uint> _extraOffsets = new(StringComparer.Ordinal);
        private readonly List<byte> _extraStrings = new();
        private uint _placeholderId;

        internal BtfCompatibilityRewriter(BtfBuilder builder, BtfMarshalOptions options)
        {
            _builder = builder;
            _options = options;
        }

        /// <summary>Strings the rewrites added, to write after the builder's own.</summary>
        internal byte[] ExtraStrings => _extraStrings.ToArray();

        /// <summary>The record as an older kernel accepts it: the same array when nothing changes, else a copy.</summary>
        internal uint[] Rewrite(uint id, uint[] record)
        {
            var o = _options;
            var kind = BtfRecordLayout.Kind(record[1]);
            int vlen = BtfRecordLayout.Vlen(record[1]);
            if ((o.ReplaceDataSections && kind == BtfKind.Var) || (o.ReplaceDeclTags && kind == BtfKind.DeclTag))
            {
                // A 1-byte int: 4 bytes could be larger than the variable and fail the kernel's checks.
                return [record[0], BtfRecordLayout.Info(BtfKind.Int, 0, false), 1, 8];
            }

            var copy = (uint[])record.Clone();
            if (o.ReplaceDataSections && kind == BtfKind.DataSec)
            {
                string name = _builder.ResolveString(record[0]).Replace('.', '_').Replace('?', '_');
                copy[0] = AddString(name);
                copy[1] = BtfRecordLayout.Info(BtfKind.Struct, vlen, false);
                for (int j = 0; j < vlen; j++)
                {
                    uint varId = record[3 + (3 * j)];
                    copy[3 + (3 * j)] = NameOffset(varId);
                    copy[4 + (3 * j)] = varId;
                    copy[5 + (3 * j)] = record[4 + (3 * j)] * 8;
                }
            }
            else if (o.ReplaceQuestionMarkSectionNames && kind == BtfKind.DataSec && _builder.ResolveString(record[0]).StartsWith('?'))
            {
                copy[0] = AddString(string.Concat("_", _builder.ResolveString(record[0]).AsSpan(1)));
            }
            else if (o.ReplaceFunctions && kind == BtfKind.FuncProto)
            {
                // Parameters (name, type) read as enum values (name, value); the kernel insists on 4 bytes.
                copy[1] = BtfRecordLayout.Info(BtfKind.Enum, vlen, false);
                copy[2] = 4;
            }
            else if (o.ReplaceFunctions && kind == BtfKind.Func)
            {
                copy[1] = BtfRecordLayout.Info(BtfKind.Typedef, 0, false);
            }
            else if (o.StripFuncLinkage && kind == BtfKind.Func)
            {
                copy[1] = BtfRecordLayout.Info(BtfKind.Func, 0, false);
            }
            else if (o.ReplaceFloats && kind == BtfKind.Float)
            {
                // Anonymous: "struct float" would not compile as C.
                copy[0] = 0;
                copy[1] = BtfRecordLayout.Info(BtfKind.Struct, 0, false);
            }
            else if (o.ReplaceTypeTags && kind == BtfKind.TypeTag)
            {
                copy[0] = 0;
                copy[1] = BtfRecordLayout.Info(BtfKind.Const, 0, false);
            }
            else if (o.ReplaceEnum64 && kind == BtfKind.Enum)
            {
                copy[1] = BtfRecordLayout.Info(BtfKind.Enum, vlen, false);
            }
            else if (o.ReplaceEnum64 && kind == BtfKind.Enum64)
            {
                if (_placeholderId == 0)
                {
                    _placeholderId = _builder.NextTypeId;
                    if (_placeholderId > MaxTypeId)
                    {
                        throw new BtfBuilderException($"no id left for the enum64 placeholder: {_placeholderId} is past 0x{MaxTypeId:x}");
                    }
                }

                copy[1] = BtfRecordLayout.Info(BtfKind.Union, vlen, false);
                for (int j = 0; j < vlen; j++)
                {
                    copy[4 + (3 * j)] = _placeholderId;
                    copy[5 + (3 * j)] = 0;
                }
            }
            else
            {
                return record;
            }

            return copy;
        }

        /// <summary>Records to append after the builder's: the enum64 placeholder int, when one was needed.</summary>
        internal uint[][] Finish() =>
            _placeholderId == 0
                ? []
                : [[AddString("enum64_placeholder"), BtfRecordLayout.Info(BtfKind.Int, 0, false), 1, 8]];

        private uint NameOffset(uint id)
        {
            if (id == 0)
            {
                return 0;
            }

            if (id < _builder.FirstTypeId)
            {
                return _builder.Base!.Record(id).NameOffset;
            }

            return _builder._records[(int)(id - _builder.FirstTypeId)]![0];
        }

        private uint AddString(string value)
        {
            if (value.Length == 0)
            {
                return 0;
            }

            if (_builder._strings.TryFind(value, out uint offset) || _extraOffsets.TryGetValue(value, out offset))
            {
                return offset;
            }

            offset = _builder._strings.OffsetBase + (uint)_builder._strings.Length + (uint)_extraStrings.Count;
            if ((long)offset + Encoding.UTF8.GetByteCount(value) > BtfStringTableBuilder.MaxOffset)
            {
                throw new BtfBuilderException($"string table full: '{value}' would start at offset {offset}, past the format's limit 0x{BtfStringTableBuilder.MaxOffset:x}");
            }

            _extraStrings.AddRange(Encoding.UTF8.GetBytes(value));
            _extraStrings.Add(0);
            _extraOffsets.Add(value, offset);
            return offset;
        }
    }
}
