#!/usr/bin/perl
# netpipe: bench/room-meter.pl: the clients' progress, and stretches
# below half the link, for bench/bench.sh (bench/room-lib.sh).
#
#   room-meter.pl sample INTERVAL STOPFILE FILE...
#	every INTERVAL seconds a line "EPOCH SIZE..." (the files' sizes,
#	0 while absent) on standard output, until STOPFILE exists
#   room-meter.pl stretch LINK SIZE PROGRESS "K..." ["EXIT..." [DROP]]
#	from sample's output (one column a client K, in that order):
#	a window is a second (from a sample to the first sample at
#	least 1 s later) inside a client's transfer (its first byte to
#	its last); a slow window one over which the output grew by less
#	than half of LINK bit/s; the stretch, the longest time covered
#	by overlapping slow windows of one client, in seconds: 0 if no
#	window was slow, else 1 or more (a stall of 1.5 s in a stream at
#	the full rate makes 2.4: every window that holds more than half
#	a second of it is slow).  Clients whose EXIT is not 0 are left
#	out.
#	With EXITs, the others ("fast") count only from the last time
#	one of those grew or from DROP (the epoch at which the server
#	said it dropped the last of them), the later, and a second figure
#	follows: the slowest fast client's goodput from then on, in %
#	of LINK (from that sample to its last before it was done).
#	Prints "STRETCH [AFTER]".
#   room-meter.pl decisions LINK LOG
#	from netpipe -s -v's log, each line stamped with seconds (bench
#	-L's format): the longest time the rate decided stayed below
#	half of LINK, and the longest time it stayed below since a
#	decision last gave loss as its reason (or since it fell below);
#	if the log says a client was dropped, only after the last such
#	line.  Two formats of the decision's line are read:
#	"rate decision: ... -> rate=R ... cut=C loss=L"
#	(bit/s; loss if L > 0 or C is 1) and "rate R Mbit/s: WHY; ...
#	(loss L%, ...)" (loss if WHY says "loss" or "lost", or L is 5%
#	or more: the room's own random loss is less; or if it says "a
#	queue stands" or "standing queue": another flow's, the delay's
#	signal).  Prints
#	"STRETCH UNEXPLAINED".
#
# Copyright (C) 2026 the netpipe authors
# SPDX-License-Identifier: GPL-2.0-or-later

use strict;
use warnings;
use Time::HiRes qw(time sleep);

my $mode = shift // '';

if ($mode eq 'sample') {
	my ($iv, $stop, @f) = @ARGV;
	$| = 1;
	for (;;) {
		my $done = -e $stop;
		print join(' ', sprintf('%.3f', time),
		    map { -s $_ // 0 } @f), "\n";
		last if $done;
		sleep $iv;
	}
	exit 0;
}

if ($mode eq 'stretch') {
	my ($link, $size, $prog, $cl, $ex, $drop) = @ARGV;
	my @k = split ' ', $cl;
	my @x = split ' ', ($ex // '');
	@x = map { 0 } @k unless @x;
	my @s;
	open(my $p, '<', $prog) or die "room-meter: $prog: $!\n";
	while (<$p>) {
		my @v = split;
		push @s, \@v if @v == @k + 1;
	}
	close $p;
	if (@s < 2) {
		print "-", (grep { $_ } @x) ? " -" : "", "\n";
		exit 0;
	}
	# The last time a client expected to fail still grew, or when
	# the server said it dropped them, whichever is later.
	my $from = 0;
	$from = $drop if defined $drop && $drop ne '' && grep { $_ } @x;
	for my $c (grep { $x[$_] != 0 } 0 .. $#k) {
		for my $i (1 .. $#s) {
			$from = $s[$i][0]
			    if $s[$i][$c + 1] != $s[$i - 1][$c + 1] &&
			    $s[$i][0] > $from;
		}
	}
	my ($worst, $after) = (0, undef);
	for my $c (grep { $x[$_] == 0 } 0 .. $#k) {
		my $col = $c + 1;
		my $fin = $s[-1][$col];
		my ($a, $b);
		for my $i (0 .. $#s) {
			$a //= $i if $s[$i][$col] > 0 && $s[$i][0] >= $from;
			if ($s[$i][$col] == $fin) { $b = $i; last }
		}
		next unless defined $a && defined $b && $b > $a;
		if ($from > 0) {
			# Goodput from the drop on, between samples (the
			# last one, where the client was done, is late).
			my $e = $b - 1 > $a ? $b - 1 : $b;
			my $t = $s[$e][0] - $s[$a][0];
			if ($t > 0) {
				my $g = 100 * ($s[$e][$col] - $s[$a][$col]) *
				    8 / $t / $link;
				$after = $g if !defined $after || $g < $after;
			}
		}
		# Slow one-second windows, merged into stretches.
		my ($ss, $se, $j) = (undef, undef, $a);
		for my $i ($a .. $b) {
			$j = $i if $j < $i;
			$j++ while $j <= $b && $s[$j][0] < $s[$i][0] + 1;
			last if $j > $b;
			my $r = ($s[$j][$col] - $s[$i][$col]) * 8 /
			    ($s[$j][0] - $s[$i][0]);
			next if $r >= $link / 2;
			if (defined $se && $s[$i][0] <= $se) {
				$se = $s[$j][0];
			} else {
				($ss, $se) = ($s[$i][0], $s[$j][0]);
			}
			$worst = $se - $ss if $se - $ss > $worst;
		}
	}
	printf "%.1f", $worst;
	printf " %s", defined $after ? sprintf('%.1f', $after) : '-'
	    if grep { $_ } @x;
	print "\n";
	exit 0;
}

if ($mode eq 'decisions') {
	my ($link, $log) = @ARGV;
	my (@d, $end);
	my $num = qr/([-+0-9.eE]+|inf|nan)/;
	open(my $l, '<', $log) or die "room-meter: $log: $!\n";
	while (<$l>) {
		next unless /^\s*([0-9.]+)\s/;
		my $t = $1;
		$end = $t;
		@d = () if /\bclient \S+ dropped:/;
		my ($r, $loss) = (undef, 0);
		if (/rate decision/) {
			if (/->.*?\brate=$num/) {
				$r = $1;
			} else {
				$r = $1 while /\brate=$num/g;
			}
			$loss = $1 while /\bloss=$num/g;
			$loss = 0 unless $loss =~ /^[-+0-9.eE]+$/;
			$loss = 1 if /\bcut=1\b/;
		} elsif (/\brate ([0-9.]+) Mbit\/s: ([^;]*)/) {
			($r, my $why) = ($1 * 1e6, $2);
			$loss = 1 if $why =~ /\blos[st]\b/;
			$loss = 1 if $why =~ /\bqueue stands\b|\bstanding queue\b/;
			$loss = 1 if /\(loss ([0-9.]+)%/ && $1 >= 5;
		} else {
			next;
		}
		next unless defined $r && $r =~ /^[-+0-9.eE]+$/;
		push @d, [$t, $r, $loss > 0];
	}
	close $l;
	unless (@d) {
		print "- -\n";
		exit 0;
	}
	# A stretch below half the link; in it, the time since the last
	# decision that gave loss as its reason (or since it began).
	my ($worst, $unex, $st, $since) = (0, 0, undef, undef);
	for my $i (0 .. $#d + 1) {
		my ($t, $r, $ls) = $i <= $#d ? @{$d[$i]} : ($end, $link, 0);
		if (defined $st) {
			$unex = $t - $since if $t - $since > $unex;
			$worst = $t - $st if $t - $st > $worst;
		}
		if ($r < $link / 2) {
			$st = $since = $t unless defined $st;
			$since = $t if $ls;
			next;
		}
		undef $st;
	}
	printf "%.1f %.1f\n", $worst, $unex;
	exit 0;
}

die "usage: room-meter.pl sample|stretch|decisions ...\n";
