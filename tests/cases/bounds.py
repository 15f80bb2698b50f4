"""bounds.py: the kernel's answers at the edges of its inputs: a soft
reboot whose spawn runs out of memory, kfakehole on addresses that wrap,
are not RAM or hold the kernel, repeated kalloc= words, and command lines
past what the kernel keeps."""
import re

from qemu import Machine
from cases import BIOS_TIMEOUT, test, need, refuse, user


@test("robustness", "keys")
def scenario_spawn_out_of_memory_fails(ctx):
    """With every allocation from the 40th failing, a key's soft reboot
    cannot start its scenario: the log says `cannot run` and test mode
    ends with a failure verdict instead of running on with nothing."""
    for key, name in (("f", "fork"), ("c", "cow")):
        with Machine(ctx, "spawn-oom-" + key, "test run=t-hang kfailfrom=12",
                     timeout=BIOS_TIMEOUT) as m:
            m.wait_log(user(r"t-hang: spinning"), what="t-hang running")
            m.sendkey(key)
            m.expect("fail")
            need(m, r"^key '%s': soft reboot into '%s'" % (key, name),
                 "the key's soft reboot")
            need(m, r"^spawn: out of memory for ", "the spawn failing")
            need(m, r"^reboot: cannot run '%s': no process started$" % name,
                 "the scenario named as not run")
            need(m, r"^test: FAIL$", "the failure verdict")


@test("robustness", "boot")
def fake_hole_refuses_bad_pages(ctx):
    """kfakehole= on an address whose page would wrap past 2^64, on one that
    is not RAM, and on the kernel's image and stack pages: each refused with
    a line that says so; nothing is reserved, and the system runs."""
    cases = [("0xFFFFFFFFFFFFF000", r"^kfakehole: page 0xfffffffffffff000 "
              r"refused$"),
             ("0xB8000", r"^kfakehole: page 0xb8000 refused$"),
             ("0x40000", r"^kfakehole: page 0x40000 holds the kernel's "
              r"image; refused$"),
             ("0x7F000", r"^kfakehole: page 0x7f000 holds the kernel's "
              r"stack; refused$")]
    for value, pattern in cases:
        with Machine(ctx, "fakehole-" + value.lower(),
                     "test run=t-syscalls kfakehole=" + value,
                     timeout=BIOS_TIMEOUT) as m:
            m.expect("pass")
            need(m, pattern, "kfakehole=%s refused" % value)
            refuse(m, r"^kfakehole: .* reserved as a firmware hole",
                   "the page reserved anyway")
    # A good one still works.
    with Machine(ctx, "fakehole-good", "test run=t-syscalls "
                 "kfakehole=0x150000", timeout=BIOS_TIMEOUT) as m:
        m.expect("pass")
        need(m, r"^kfakehole: page 0x150000 reserved as a firmware hole$",
             "a page of RAM reserved")


@test("robustness", "boot")
def kalloc_last_word_wins(ctx):
    """Of several kalloc= words the last one decides, as with run= and
    kfail=."""
    for words, order in (("kalloc=scatter kalloc=lowest", "lowest-first"),
                         ("kalloc=lowest kalloc=scatter", "scattered")):
        with Machine(ctx, "kalloc-last-" + order, "test run=t-syscalls " +
                     words, timeout=BIOS_TIMEOUT) as m:
            m.expect("pass")
            need(m, r"^kalloc: %s order$" % order,
                 "%s order after %r" % (order, words))


@test("robustness", "boot")
def command_line_cut_names_dropped_words(ctx):
    """Past 4095 characters: the cut is logged; a word the cut splits that
    is longer than a word may be gets `too long; ignored`; the words after
    the cut are named as dropped (the first eight, then a count)."""
    words = ["w%04d" % i for i in range(1200)]
    cmdline = "test run=t-syscalls " + " ".join(words)
    kept = cmdline[:4095]
    split_at = kept.rfind(" ") + 1
    after = cmdline[4095:].split(" ")[1:]
    split_word = cmdline[split_at:].split(" ")[0]
    with Machine(ctx, "cmdline-dropped", cmdline, timeout=BIOS_TIMEOUT) as m:
        m.expect("pass")
        need(m, r"^cmdline: command line of %d characters cut at 4095" %
             len(cmdline), "the cut")
        if cmdline[4095] != " ":
            need(m, r"^cmdline: word '%s' split by the cut; dropped$" %
                 split_word, "the split word named")
        for w in after[:8]:
            need(m, r"^cmdline: word '%s' after the cut; dropped$" % w,
                 "dropped word %s named" % w)
        need(m, r"^cmdline: %d more words after the cut; dropped$" %
             (len(after) - 8), "the count of the other dropped words")
        refuse(m, r"^cmdline: unknown word '%s'" % after[0],
               "a word after the cut read")
    # One word longer than the whole limit.
    cmdline = "test run=t-syscalls " + "z" * 5000 + " after"
    with Machine(ctx, "cmdline-long-word", cmdline,
                 timeout=BIOS_TIMEOUT) as m:
        m.expect("pass")
        need(m, r"^cmdline: word of 5000 characters is too long; ignored$",
             "the over-long word reported")
        need(m, r"^cmdline: word 'after' after the cut; dropped$",
             "the word after it named")
