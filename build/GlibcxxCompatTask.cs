// Build step for TorchSharp 0.107 on hosts whose libstdc++ predates GCC 13 (e.g. Debian 12, GCC 12).
//
// libLibTorchSharp.so declares a version need on GLIBCXX_3.4.32 for exactly one symbol,
// std::ios_base_library_init(). GCC 13's <iostream> emits that reference only to pin the newer
// libstdc++; no relocation uses it, so the library works unchanged against GCC 12's libstdc++ once the
// dynamic loader stops refusing the missing version. This task edits the copied library in place:
//   1. the GLIBCXX_3.4.32 entry of .gnu.version_r is marked weak (vna_flags |= VER_FLG_WEAK), so a
//      missing version is a warning-free no-op instead of a load failure;
//   2. every dynamic symbol bound to that version gets the global version (versym = 1).
// Both are fixed-size byte edits, so no patchelf is needed and the step is idempotent. It runs only
// where no system libstdc++ provides GLIBCXX_3.4.32. No maintained .NET library edits ELF version
// tables, hence this small hand-written reader (ELF64 little-endian only, as TorchSharp ships).
#nullable enable
using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public sealed class GlibcxxCompatTask : Task
{
    private const string Needed = "GLIBCXX_3.4.32";

    /// <summary>Copies of libLibTorchSharp.so to patch.</summary>
    [Required]
    public ITaskItem[] Libraries { get; set; } = Array.Empty<ITaskItem>();

    public override bool Execute()
    {
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux) || SystemHasVersion())
        {
            return true;
        }

        foreach (var item in Libraries)
        {
            string path = item.ItemSpec;
            try
            {
                int changed = Patch(path);
                if (changed > 0)
                {
                    Log.LogMessage(MessageImportance.High, $"SparseX: patched {path} for {Needed} ({changed} edits).");
                }
            }
            catch (Exception ex)
            {
                Log.LogError($"SparseX: could not patch {path} for {Needed}: {ex.Message}");
            }
        }

        return !Log.HasLoggedErrors;
    }

    private static bool SystemHasVersion()
    {
        string[] candidates =
        {
            "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6",
            "/usr/lib64/libstdc++.so.6", "/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6",
        };
        byte[] needle = Encoding.ASCII.GetBytes(Needed + "\0");
        foreach (string candidate in candidates)
        {
            if (File.Exists(candidate) && IndexOf(File.ReadAllBytes(candidate), needle) >= 0)
            {
                return true;
            }
        }

        return false;
    }

    private static int Patch(string path)
    {
        byte[] elf = File.ReadAllBytes(path);
        if (elf.Length < 64 || elf[0] != 0x7F || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F' || elf[4] != 2 || elf[5] != 1)
        {
            throw new InvalidDataException("not an ELF64 little-endian file");
        }

        long shoff = BitConverter.ToInt64(elf, 0x28);
        int shentsize = BitConverter.ToUInt16(elf, 0x3A);
        int shnum = BitConverter.ToUInt16(elf, 0x3C);

        Section? verneed = null, versym = null, dynsym = null;
        var sections = new Section[shnum];
        for (int i = 0; i < shnum; i++)
        {
            int at = checked((int)(shoff + (long)i * shentsize));
            var s = new Section(
                Type: BitConverter.ToUInt32(elf, at + 4),
                Offset: BitConverter.ToInt64(elf, at + 24),
                Size: BitConverter.ToInt64(elf, at + 32),
                Link: BitConverter.ToInt32(elf, at + 40),
                Info: BitConverter.ToInt32(elf, at + 44));
            sections[i] = s;
            switch (s.Type)
            {
                case 0x6ffffffe: verneed = s; break;
                case 0x6fffffff: versym = s; break;
                case 11: dynsym = s; break;
            }
        }

        if (verneed is null || versym is null || dynsym is null)
        {
            return 0;
        }

        Section verneedStrings = sections[verneed.Link];
        int edits = 0;
        int versionIndex = -1;
        long need = verneed.Offset;
        for (int n = 0; n < verneed.Info; n++)
        {
            int count = BitConverter.ToUInt16(elf, (int)need + 2);
            long aux = need + BitConverter.ToUInt32(elf, (int)need + 8);
            for (int a = 0; a < count; a++)
            {
                string name = ReadString(elf, verneedStrings.Offset + BitConverter.ToUInt32(elf, (int)aux + 8));
                if (name == Needed)
                {
                    int flagsAt = (int)aux + 4;
                    ushort flags = BitConverter.ToUInt16(elf, flagsAt);
                    if ((flags & 2) == 0)
                    {
                        WriteUInt16(elf, flagsAt, (ushort)(flags | 2));
                        edits++;
                    }

                    versionIndex = BitConverter.ToUInt16(elf, (int)aux + 6);
                }

                aux += BitConverter.ToUInt32(elf, (int)aux + 12);
            }

            need += BitConverter.ToUInt32(elf, (int)need + 12);
        }

        if (versionIndex < 0)
        {
            return 0;
        }

        long symbols = dynsym.Size / 24;
        for (long i = 0; i < symbols; i++)
        {
            int at = checked((int)(versym.Offset + i * 2));
            ushort version = BitConverter.ToUInt16(elf, at);
            if ((version & 0x7FFF) == versionIndex)
            {
                WriteUInt16(elf, at, 1);
                edits++;
            }
        }

        if (edits > 0)
        {
            File.WriteAllBytes(path, elf);
        }

        return edits;
    }

    private static void WriteUInt16(byte[] data, int at, ushort value)
    {
        data[at] = (byte)value;
        data[at + 1] = (byte)(value >> 8);
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
        {
            int j = 0;
            while (j < needle.Length && haystack[i + j] == needle[j])
            {
                j++;
            }

            if (j == needle.Length)
            {
                return i;
            }
        }

        return -1;
    }

    private static string ReadString(byte[] data, long offset)
    {
        int start = checked((int)offset);
        int end = Array.IndexOf(data, (byte)0, start);
        return Encoding.ASCII.GetString(data, start, end - start);
    }

    private sealed class Section
    {
        public Section(uint Type, long Offset, long Size, int Link, int Info)
        {
            this.Type = Type;
            this.Offset = Offset;
            this.Size = Size;
            this.Link = Link;
            this.Info = Info;
        }

        public uint Type { get; }

        public long Offset { get; }

        public long Size { get; }

        public int Link { get; }

        public int Info { get; }
    }
}
