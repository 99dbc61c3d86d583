using Ebpf.Asm;

namespace Ebpf.Tests.Asm;

/// <summary>
/// Every class, operation, mode and size against the exact text of kernel/bpf/disasm.c
/// (print_bpf_insn, Linux 6.18). Expected strings carry the kernel's "(xx) " prefix.
/// </summary>
public class InstructionFormatterTests
{
    private static Instruction I(byte op, byte dst, byte src, short off, long imm) =>
        new(new OpCode(op), (Register)dst, (Register)src, off, imm);

    private static TestCaseData C(byte op, byte dst, byte src, short off, long imm, string expected) =>
        new(I(op, dst, src, off, imm), expected);

    private static IEnumerable<TestCaseData> Alu64() => new[]
    {
        C(0x07, 1, 0, 0, -8, "(07) r1 += -8"),
        C(0x0f, 1, 2, 0, 0, "(0f) r1 += r2"),
        C(0x17, 1, 0, 0, 4, "(17) r1 -= 4"),
        C(0x1f, 1, 2, 0, 0, "(1f) r1 -= r2"),
        C(0x27, 1, 0, 0, 3, "(27) r1 *= 3"),
        C(0x2f, 1, 2, 0, 0, "(2f) r1 *= r2"),
        C(0x37, 1, 0, 0, 3, "(37) r1 /= 3"),
        C(0x37, 1, 0, 1, -3, "(37) r1 s/= -3"),
        C(0x3f, 1, 2, 0, 0, "(3f) r1 /= r2"),
        C(0x3f, 1, 2, 1, 0, "(3f) r1 s/= r2"),
        C(0x47, 1, 0, 0, 0x10, "(47) r1 |= 16"),
        C(0x4f, 1, 2, 0, 0, "(4f) r1 |= r2"),
        C(0x57, 1, 0, 0, 255, "(57) r1 &= 255"),
        C(0x5f, 1, 2, 0, 0, "(5f) r1 &= r2"),
        C(0x67, 1, 0, 0, 32, "(67) r1 <<= 32"),
        C(0x6f, 1, 2, 0, 0, "(6f) r1 <<= r2"),
        C(0x77, 1, 0, 0, 32, "(77) r1 >>= 32"),
        C(0x7f, 1, 2, 0, 0, "(7f) r1 >>= r2"),
        C(0x87, 1, 0, 0, 0, "(87) r1 = -r1"),
        C(0x8f, 3, 2, 0, 0, "(8f) r3 = -r3"),
        C(0x97, 1, 0, 0, 7, "(97) r1 %= 7"),
        C(0x97, 1, 0, 1, 7, "(97) r1 s%= 7"),
        C(0x9f, 1, 2, 0, 0, "(9f) r1 %= r2"),
        C(0x9f, 1, 2, 1, 0, "(9f) r1 s%= r2"),
        C(0xa7, 1, 0, 0, -1, "(a7) r1 ^= -1"),
        C(0xaf, 1, 2, 0, 0, "(af) r1 ^= r2"),
        C(0xb7, 0, 0, 0, 0, "(b7) r0 = 0"),
        C(0xb7, 1, 0, 0, int.MinValue, "(b7) r1 = -2147483648"),
        C(0xb7, 1, 0, 8, 5, "(b7) r1 = 5"),
        C(0xbf, 6, 1, 0, 0, "(bf) r6 = r1"),
        C(0xbf, 1, 10, 0, 0, "(bf) r1 = r10"),
        C(0xbf, 1, 2, 8, 0, "(bf) r1 = (s8)r2"),
        C(0xbf, 1, 2, 16, 0, "(bf) r1 = (s16)r2"),
        C(0xbf, 1, 2, 32, 0, "(bf) r1 = (s32)r2"),
        C(0xbf, 1, 2, 24, 0, "(bf) r1 = r2"),
        C(0xbf, 1, 2, 1, 1 << 16, "(bf) r1 = addr_space_cast(r2, 1, 0)"),
        C(0xbf, 1, 2, 1, 1, "(bf) r1 = addr_space_cast(r2, 0, 1)"),
        C(0xbf, 0, 0, -1, 0, "(bf) r0 = &(void __percpu *)(r0)"),
        C(0xc7, 1, 0, 0, 56, "(c7) r1 s>>= 56"),
        C(0xcf, 1, 2, 0, 0, "(cf) r1 s>>= r2"),
        C(0xd7, 1, 0, 0, 16, "(d7) r1 = bswap16 r1"),
        C(0xd7, 2, 0, 0, 32, "(d7) r2 = bswap32 r2"),
        C(0xd7, 3, 0, 0, 64, "(d7) r3 = bswap64 r3"),
        C(0xe7, 1, 0, 0, 5, "(e7) r1 (null) 5"),
        C(0xff, 1, 2, 0, 0, "(ff) r1 (null) r2"),
    };

    private static IEnumerable<TestCaseData> Alu32() => new[]
    {
        C(0x04, 1, 0, 0, 5, "(04) w1 += 5"),
        C(0x0c, 1, 2, 0, 0, "(0c) w1 += w2"),
        C(0x14, 1, 0, 0, 1, "(14) w1 -= 1"),
        C(0x1c, 1, 2, 0, 0, "(1c) w1 -= w2"),
        C(0x24, 1, 0, 0, 3, "(24) w1 *= 3"),
        C(0x2c, 1, 2, 0, 0, "(2c) w1 *= w2"),
        C(0x34, 1, 0, 0, 7, "(34) w1 /= 7"),
        C(0x34, 1, 0, 1, 7, "(34) w1 s/= 7"),
        C(0x3c, 1, 2, 1, 0, "(3c) w1 s/= w2"),
        C(0x44, 1, 0, 0, 1, "(44) w1 |= 1"),
        C(0x4c, 1, 2, 0, 0, "(4c) w1 |= w2"),
        C(0x54, 1, 0, 0, 1, "(54) w1 &= 1"),
        C(0x5c, 1, 2, 0, 0, "(5c) w1 &= w2"),
        C(0x64, 1, 0, 0, 2, "(64) w1 <<= 2"),
        C(0x6c, 1, 2, 0, 0, "(6c) w1 <<= w2"),
        C(0x74, 1, 0, 0, 2, "(74) w1 >>= 2"),
        C(0x7c, 1, 2, 0, 0, "(7c) w1 >>= w2"),
        C(0x84, 1, 0, 0, 0, "(84) w1 = -w1"),
        C(0x94, 1, 0, 0, 3, "(94) w1 %= 3"),
        C(0x9c, 1, 2, 1, 0, "(9c) w1 s%= w2"),
        C(0xa4, 1, 0, 0, -1, "(a4) w1 ^= -1"),
        C(0xac, 1, 2, 0, 0, "(ac) w1 ^= w2"),
        C(0xb4, 0, 0, 0, 0, "(b4) w0 = 0"),
        C(0xbc, 1, 2, 0, 0, "(bc) w1 = w2"),
        C(0xbc, 1, 2, 8, 0, "(bc) w1 = (s8)w2"),
        C(0xbc, 1, 2, 16, 0, "(bc) w1 = (s16)w2"),
        C(0xbc, 1, 2, 1, 0, "(bc) w1 = w2"),
        C(0xc4, 1, 0, 0, 3, "(c4) w1 s>>= 3"),
        C(0xcc, 1, 2, 0, 0, "(cc) w1 s>>= w2"),
        C(0xd4, 1, 0, 0, 16, "(d4) r1 = le16 r1"),
        C(0xd4, 1, 0, 0, 64, "(d4) r1 = le64 r1"),
        C(0xdc, 0, 0, 0, 16, "(dc) r0 = be16 r0"),
        C(0xdc, 2, 0, 0, 32, "(dc) r2 = be32 r2"),
        C(0xdc, 3, 0, 0, 64, "(dc) r3 = be64 r3"),
        C(0xf4, 1, 0, 0, 1, "(f4) w1 (null) 1"),
    };

    private static IEnumerable<TestCaseData> LoadsAndStores() => new[]
    {
        C(0x61, 0, 1, 0, 0, "(61) r0 = *(u32 *)(r1 +0)"),
        C(0x69, 2, 1, 12, 0, "(69) r2 = *(u16 *)(r1 +12)"),
        C(0x71, 0, 1, 76, 0, "(71) r0 = *(u8 *)(r1 +76)"),
        C(0x79, 1, 10, -8, 0, "(79) r1 = *(u64 *)(r10 -8)"),
        C(0x81, 0, 1, 4, 0, "(81) r0 = *(s32 *)(r1 +4)"),
        C(0x89, 0, 1, -2, 0, "(89) r0 = *(s16 *)(r1 -2)"),
        C(0x91, 0, 1, 0, 0, "(91) r0 = *(s8 *)(r1 +0)"),
        C(0x99, 0, 1, 0, 0, "(99) r0 = *((null) *)(r1 +0)"),
        C(0x21, 0, 1, 0, 0, "BUG_ldx_21"),
        C(0xc1, 0, 1, 0, 0, "BUG_ldx_c1"),
        C(0x62, 10, 0, -4, 0, "(62) *(u32 *)(r10 -4) = 0"),
        C(0x6a, 10, 0, -2, 7, "(6a) *(u16 *)(r10 -2) = 7"),
        C(0x72, 10, 0, -1, 255, "(72) *(u8 *)(r10 -1) = 255"),
        C(0x7a, 10, 0, -8, -1, "(7a) *(u64 *)(r10 -8) = -1"),
        C(0xc2, 0, 0, 0, 0, "(c2) nospec"),
        C(0x82, 10, 0, 0, 0, "BUG_st_82"),
        C(0x63, 10, 1, -4, 0, "(63) *(u32 *)(r10 -4) = r1"),
        C(0x6b, 10, 1, -2, 0, "(6b) *(u16 *)(r10 -2) = r1"),
        C(0x73, 10, 1, -1, 0, "(73) *(u8 *)(r10 -1) = r1"),
        C(0x7b, 10, 1, -8, 0, "(7b) *(u64 *)(r10 -8) = r1"),
        C(0x83, 10, 1, 0, 0, "BUG_83"),
        C(0x20, 0, 0, 0, 12, "(20) r0 = *(u32 *)skb[12]"),
        C(0x28, 0, 0, 0, 12, "(28) r0 = *(u16 *)skb[12]"),
        C(0x30, 0, 0, 0, 23, "(30) r0 = *(u8 *)skb[23]"),
        C(0x38, 0, 0, 0, 0, "(38) r0 = *(u64 *)skb[0]"),
        C(0x40, 0, 1, 0, 4, "(40) r0 = *(u32 *)skb[r1 + 4]"),
        C(0x48, 0, 6, 0, -2, "(48) r0 = *(u16 *)skb[r6 + -2]"),
        C(0x50, 0, 1, 0, 0, "(50) r0 = *(u8 *)skb[r1 + 0]"),
        C(0x00, 0, 0, 0, 0, "BUG_ld_00"),
        C(0x10, 0, 0, 0, 0, "BUG_ld_10"),
        C(0x60, 0, 0, 0, 0, "BUG_ld_60"),
    };

    private static IEnumerable<TestCaseData> Atomics() => new[]
    {
        C(0xdb, 1, 2, 0, 0x00, "(db) lock *(u64 *)(r1 +0) += r2"),
        C(0xdb, 1, 2, 8, 0x40, "(db) lock *(u64 *)(r1 +8) |= r2"),
        C(0xdb, 1, 2, 0, 0x50, "(db) lock *(u64 *)(r1 +0) &= r2"),
        C(0xdb, 1, 2, 0, 0xa0, "(db) lock *(u64 *)(r1 +0) ^= r2"),
        C(0xc3, 1, 2, -4, 0x00, "(c3) lock *(u32 *)(r1 -4) += r2"),
        C(0xc3, 1, 2, 0, 0x40, "(c3) lock *(u32 *)(r1 +0) |= r2"),
        C(0xdb, 1, 2, 0, 0x01, "(db) r2 = atomic64_fetch_add((u64 *)(r1 +0), r2)"),
        C(0xdb, 1, 2, 0, 0x41, "(db) r2 = atomic64_fetch_or((u64 *)(r1 +0), r2)"),
        C(0xdb, 1, 2, 0, 0x51, "(db) r2 = atomic64_fetch_and((u64 *)(r1 +0), r2)"),
        C(0xdb, 1, 2, 0, 0xa1, "(db) r2 = atomic64_fetch_xor((u64 *)(r1 +0), r2)"),
        C(0xc3, 1, 3, 4, 0x01, "(c3) r3 = atomic_fetch_add((u32 *)(r1 +4), r3)"),
        C(0xc3, 1, 3, 0, 0xa1, "(c3) r3 = atomic_fetch_xor((u32 *)(r1 +0), r3)"),
        C(0xdb, 1, 2, 0, 0xe1, "(db) r2 = atomic64_xchg((u64 *)(r1 +0), r2)"),
        C(0xc3, 1, 2, 0, 0xe1, "(c3) r2 = atomic_xchg((u32 *)(r1 +0), r2)"),
        C(0xdb, 1, 2, 0, 0xf1, "(db) r0 = atomic64_cmpxchg((u64 *)(r1 +0), r0, r2)"),
        C(0xc3, 1, 2, -8, 0xf1, "(c3) r0 = atomic_cmpxchg((u32 *)(r1 -8), r0, r2)"),
        C(0xdb, 0, 1, 0, 0x100, "(db) r0 = load_acquire((u64 *)(r1 +0))"),
        C(0xc3, 0, 1, 4, 0x100, "(c3) r0 = load_acquire((u32 *)(r1 +4))"),
        C(0xcb, 0, 1, 0, 0x100, "(cb) r0 = load_acquire((u16 *)(r1 +0))"),
        C(0xd3, 0, 1, 0, 0x100, "(d3) r0 = load_acquire((u8 *)(r1 +0))"),
        C(0xdb, 1, 2, 0, 0x110, "(db) store_release((u64 *)(r1 +0), r2)"),
        C(0xc3, 1, 2, -4, 0x110, "(c3) store_release((u32 *)(r1 -4), r2)"),
        C(0xcb, 1, 2, 0, 0x110, "(cb) store_release((u16 *)(r1 +0), r2)"),
        C(0xd3, 1, 2, 0, 0x110, "(d3) store_release((u8 *)(r1 +0), r2)"),
        C(0xdb, 1, 2, 0, 0x02, "BUG_db"),
        C(0xdb, 1, 2, 0, 0x11, "BUG_db"),
    };

    private static IEnumerable<TestCaseData> LoadImm64() => new[]
    {
        C(0x18, 1, 0, 0, 0x1234, "(18) r1 = 0x1234"),
        C(0x18, 2, 0, 0, 0x123456789abcdef0, "(18) r2 = 0x123456789abcdef0"),
        C(0x18, 3, 0, 0, -1, "(18) r3 = 0xffffffffffffffff"),
        C(0x18, 1, 0, 0, 0, "(18) r1 = 0x0"),
        C(0x18, 1, PseudoSource.MapFd, 0, 5, "(18) r1 = 0x5"),
        C(0x18, 1, PseudoSource.MapValue, 0, (8L << 32) | 5, "(18) r1 = 0x800000005"),
        C(0x18, 1, PseudoSource.BtfId, 0, 1234, "(18) r1 = 0x4d2"),
        C(0x18, 2, PseudoSource.Func, 0, 3, "(18) r2 = 0x3"),
        C(0x18, 1, PseudoSource.MapIndex, 0, 0, "(18) r1 = 0x0"),
        C(0x18, 1, PseudoSource.MapIndexValue, 0, (16L << 32) | 1, "(18) r1 = 0x1000000001"),
    };

    private static IEnumerable<TestCaseData> Jumps() => new[]
    {
        C(0x05, 0, 0, 3, 0, "(05) goto pc+3"),
        C(0x05, 0, 0, -1, 0, "(05) goto pc-1"),
        C(0x05, 0, 0, 0, 0, "(05) goto pc+0"),
        C(0x15, 0, 0, 3, 0, "(15) if r0 == 0x0 goto pc+3"),
        C(0x15, 1, 0, 1, -1, "(15) if r1 == 0xffffffff goto pc+1"),
        C(0x1d, 1, 2, -2, 0, "(1d) if r1 == r2 goto pc-2"),
        C(0x25, 1, 0, 1, 100, "(25) if r1 > 0x64 goto pc+1"),
        C(0x2d, 1, 2, 1, 0, "(2d) if r1 > r2 goto pc+1"),
        C(0x35, 1, 0, 1, 1, "(35) if r1 >= 0x1 goto pc+1"),
        C(0x3d, 1, 2, 1, 0, "(3d) if r1 >= r2 goto pc+1"),
        C(0x45, 1, 0, 1, 8, "(45) if r1 & 0x8 goto pc+1"),
        C(0x4d, 1, 2, 1, 0, "(4d) if r1 & r2 goto pc+1"),
        C(0x55, 0, 0, 5, 0, "(55) if r0 != 0x0 goto pc+5"),
        C(0x5d, 1, 2, 1, 0, "(5d) if r1 != r2 goto pc+1"),
        C(0x65, 1, 0, 1, -5, "(65) if r1 s> 0xfffffffb goto pc+1"),
        C(0x6d, 1, 2, 1, 0, "(6d) if r1 s> r2 goto pc+1"),
        C(0x75, 1, 0, 1, 0, "(75) if r1 s>= 0x0 goto pc+1"),
        C(0x7d, 1, 2, 1, 0, "(7d) if r1 s>= r2 goto pc+1"),
        C(0xa5, 1, 0, 1, 1000, "(a5) if r1 < 0x3e8 goto pc+1"),
        C(0xad, 1, 2, 1, 0, "(ad) if r1 < r2 goto pc+1"),
        C(0xb5, 1, 0, 1, 10, "(b5) if r1 <= 0xa goto pc+1"),
        C(0xbd, 1, 2, 1, 0, "(bd) if r1 <= r2 goto pc+1"),
        C(0xc5, 1, 0, 1, 0, "(c5) if r1 s< 0x0 goto pc+1"),
        C(0xcd, 1, 2, 1, 0, "(cd) if r1 s< r2 goto pc+1"),
        C(0xd5, 1, 0, 1, 0, "(d5) if r1 s<= 0x0 goto pc+1"),
        C(0xdd, 1, 2, -32768, 0, "(dd) if r1 s<= r2 goto pc-32768"),
        C(0x95, 0, 0, 0, 0, "(95) exit"),
        C(0xe5, 0, 0, 4, 0, "(e5) may_goto pc+4"),
        C(0xe5, 0, 0, -7, 0, "(e5) may_goto pc-7"),
        C(0xe5, 0, 1, 4, 0, "(e5) if r0 (null) 0x0 goto pc+4"),
        C(0x0d, 1, 0, 0, 0, "(0d) if r1 jmp r0 goto pc+0"),
        C(0xf5, 1, 0, 0, 0, "(f5) if r1 (null) 0x0 goto pc+0"),
    };

    private static IEnumerable<TestCaseData> Jumps32() => new[]
    {
        C(0x06, 0, 0, 0, 100000, "(06) gotol pc+100000"),
        C(0x06, 0, 0, 0, -70000, "(06) gotol pc-70000"),
        C(0x16, 1, 0, 2, 5, "(16) if w1 == 0x5 goto pc+2"),
        C(0x1e, 1, 2, 2, 0, "(1e) if w1 == w2 goto pc+2"),
        C(0x26, 1, 0, 2, 5, "(26) if w1 > 0x5 goto pc+2"),
        C(0x2e, 1, 2, 2, 0, "(2e) if w1 > w2 goto pc+2"),
        C(0x36, 1, 0, 2, 5, "(36) if w1 >= 0x5 goto pc+2"),
        C(0x3e, 1, 2, 2, 0, "(3e) if w1 >= w2 goto pc+2"),
        C(0x46, 1, 0, 2, 5, "(46) if w1 & 0x5 goto pc+2"),
        C(0x4e, 1, 2, 2, 0, "(4e) if w1 & w2 goto pc+2"),
        C(0x56, 1, 0, 2, 5, "(56) if w1 != 0x5 goto pc+2"),
        C(0x5e, 1, 2, 2, 0, "(5e) if w1 != w2 goto pc+2"),
        C(0x66, 1, 0, 2, -1, "(66) if w1 s> 0xffffffff goto pc+2"),
        C(0x6e, 1, 2, 2, 0, "(6e) if w1 s> w2 goto pc+2"),
        C(0x76, 1, 0, 2, 5, "(76) if w1 s>= 0x5 goto pc+2"),
        C(0x7e, 1, 2, 2, 0, "(7e) if w1 s>= w2 goto pc+2"),
        C(0xa6, 1, 0, 2, 5, "(a6) if w1 < 0x5 goto pc+2"),
        C(0xae, 1, 2, 2, 0, "(ae) if w1 < w2 goto pc+2"),
        C(0xb6, 1, 0, 2, 5, "(b6) if w1 <= 0x5 goto pc+2"),
        C(0xbe, 1, 2, 2, 0, "(be) if w1 <= w2 goto pc+2"),
        C(0xc6, 1, 0, 2, 5, "(c6) if w1 s< 0x5 goto pc+2"),
        C(0xce, 1, 2, 2, 0, "(ce) if w1 s< w2 goto pc+2"),
        C(0xd6, 1, 0, 2, 5, "(d6) if w1 s<= 0x5 goto pc+2"),
        C(0xde, 1, 2, 2, 0, "(de) if w1 s<= w2 goto pc+2"),
        C(0x86, 0, 0, 0, 1, "(86) call bpf_map_lookup_elem#1"),
        C(0x96, 0, 0, 0, 0, "(96) if w0 exit 0x0 goto pc+0"),
        C(0xe6, 0, 0, 0, 0, "(e6) if w0 (null) 0x0 goto pc+0"),
    };

    private static IEnumerable<TestCaseData> Calls() => new[]
    {
        C(0x85, 0, 0, 0, 1, "(85) call bpf_map_lookup_elem#1"),
        C(0x85, 0, 0, 0, 0, "(85) call bpf_unspec#0"),
        C(0x85, 0, 0, 0, 12, "(85) call bpf_tail_call#12"),
        C(0x85, 0, 0, 0, 211, "(85) call bpf_cgrp_storage_delete#211"),
        C(0x85, 0, 0, 0, 100000, "(85) call unknown#100000"),
        C(0x85, 0, 0, 0, -1, "(85) call unknown#-1"),
        C(0x85, 0, PseudoSource.Call, 0, 5, "(85) call pc+5"),
        C(0x85, 0, PseudoSource.Call, 0, -3, "(85) call pc-3"),
        C(0x85, 0, PseudoSource.Call, 0, 0, "(85) call pc+0"),
        C(0x85, 0, PseudoSource.KfuncCall, 0, 12345, "(85) call kernel-function#12345"),
        C(0x85, 0, 3, 0, 1, "(85) call unknown#1"),
        C(0x8d, 0, 0, 0, 1, "(8d) call bpf_map_lookup_elem#1"),
    };

    [TestCaseSource(nameof(Alu64))]
    [TestCaseSource(nameof(Alu32))]
    [TestCaseSource(nameof(LoadsAndStores))]
    [TestCaseSource(nameof(Atomics))]
    [TestCaseSource(nameof(LoadImm64))]
    [TestCaseSource(nameof(Jumps))]
    [TestCaseSource(nameof(Jumps32))]
    [TestCaseSource(nameof(Calls))]
    public void PrintsWhatTheKernelPrints(Instruction instruction, string expected)
    {
        string withoutPrefix = expected.StartsWith('(') ? expected.Substring(5) : expected;
        Assert.Multiple(() =>
        {
            Assert.That(InstructionFormatter.FormatWithOpcode(instruction), Is.EqualTo(expected));
            Assert.That(InstructionFormatter.Format(instruction), Is.EqualTo(withoutPrefix));
            Assert.That(instruction.ToString(), Is.EqualTo(withoutPrefix));

            Span<char> buffer = stackalloc char[InstructionFormatter.MaxDefaultLength];
            Assert.That(InstructionFormatter.TryFormat(instruction, buffer, out int written, withOpcode: true), Is.True);
            Assert.That(buffer.Slice(0, written).ToString(), Is.EqualTo(expected));

            using var writer = new StringWriter();
            InstructionFormatter.Write(writer, instruction);
            Assert.That(writer.ToString(), Is.EqualTo(withoutPrefix));
        });
    }

    [Test]
    public void EveryOpcodePrintsWithinTheDefaultLength()
    {
        Span<char> buffer = stackalloc char[InstructionFormatter.MaxDefaultLength];
        for (int op = 0; op < 256; op++)
        {
            foreach (short off in new short[] { short.MinValue, -1, 0, 1, 8, 16, 32, short.MaxValue })
            {
                foreach (long imm in new long[] { int.MinValue, -1, 0, 1, 0x100, 0x110, 0xf1, int.MaxValue, long.MinValue })
                {
                    var insn = new Instruction(new OpCode((byte)op), Register.R10, Register.R10, off, op == 0x18 ? imm : (int)imm);
                    Assert.That(InstructionFormatter.TryFormat(insn, buffer, out int written, withOpcode: true), Is.True, $"opcode {op:x2}");
                    Assert.That(written, Is.GreaterThan(0));
                }
            }
        }
    }

    [Test]
    public void TryFormatReportsATooSmallDestination()
    {
        var insn = I(0x79, 1, 10, -8, 0);
        Span<char> small = stackalloc char[10];
        Assert.That(InstructionFormatter.TryFormat(insn, small, out int written), Is.False);
        Assert.That(written, Is.Zero);
    }

    private sealed class FixedNamer(string? call, string? imm) : IInstructionNamer
    {
        public int Calls { get; private set; }

        public string? NameCall(in Instruction instruction)
        {
            Calls++;
            return call;
        }

        public string? FormatImmediate64(in Instruction load) => imm;
    }

    [Test]
    public void NamerIsConsultedWhereTheKernelConsultsItsCallbacks()
    {
        var namer = new FixedNamer("my_func", "map[id:7]");
        Assert.Multiple(() =>
        {
            // A helper the kernel knows by name never reaches cb_call.
            Assert.That(InstructionFormatter.Format(I(0x85, 0, 0, 0, 1), namer), Is.EqualTo("call bpf_map_lookup_elem#1"));
            Assert.That(namer.Calls, Is.Zero);
            Assert.That(InstructionFormatter.Format(I(0x85, 0, 0, 0, 99999), namer), Is.EqualTo("call my_func#99999"));
            Assert.That(InstructionFormatter.Format(I(0x85, 0, 1, 0, 4), namer), Is.EqualTo("call pcmy_func"));
            Assert.That(InstructionFormatter.Format(I(0x85, 0, 2, 0, 77), namer), Is.EqualTo("call my_func#77"));
            Assert.That(InstructionFormatter.FormatWithOpcode(I(0x18, 1, 1, 0, 3), namer), Is.EqualTo("(18) r1 = map[id:7]"));
            Assert.That(namer.Calls, Is.EqualTo(3));
        });

        var silent = new FixedNamer(null, null);
        Assert.Multiple(() =>
        {
            Assert.That(InstructionFormatter.Format(I(0x85, 0, 2, 0, 77), silent), Is.EqualTo("call kernel-function#77"));
            Assert.That(InstructionFormatter.Format(I(0x85, 0, 1, 0, -4), silent), Is.EqualTo("call pc-4"));
            Assert.That(InstructionFormatter.Format(I(0x18, 1, 1, 0, 3), silent), Is.EqualTo("r1 = 0x3"));
        });
    }

    [Test]
    public void LongNamesGrowTheBuffer()
    {
        string name = new('x', 1000);
        var namer = new FixedNamer(name, name);
        Assert.That(InstructionFormatter.Format(I(0x85, 0, 2, 0, 1), namer), Is.EqualTo($"call {name}#1"));
        Assert.That(InstructionFormatter.FormatWithOpcode(I(0x18, 1, 2, 0, 1), namer), Is.EqualTo($"(18) r1 = {name}"));
    }
}
