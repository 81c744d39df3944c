# Plots of a benchmark run: gnuplot -e "data='bench/results/data'; out='bench/results'" bench/plot.gp
# Reads the plot_s*.dat files that bench/report.sh writes; a missing one skips its plot.
if (!exists("data")) data = "bench/results/data"
if (!exists("out")) out = "bench/results"
set terminal pngcairo size 1000,560 font "DejaVu Sans,10" noenhanced
set datafile separator whitespace
set grid ytics
set key top left
set bmargin 4

have(f) = system("test -s '" . f . "' && echo 1 || echo 0") + 0

# 1. completeness: replies that reached the host vs recorded, and missed
f = data . "/plot_s1.dat"
if (have(f)) {
	set output out . "/s1_completeness.png"
	set title "1. Completeness under flood + stress-ng: replies reached (tap) vs recorded"
	set style data histograms
	set style histogram clustered gap 1
	set style fill solid 0.8 border -1
	set ylabel "replies"
	set logscale y
	set yrange [1:*]
	set xtics font ",8"
	plot f using 2:xtic(1) title "reached (tap)", '' using 3 title "recorded", \
	     '' using ($4 > 0 ? $4 : 1/0) title "missed"
	unset logscale y
	set yrange [*:*]
	set xtics font ",10"
}

# 2. CPU with and without the flood
f = data . "/plot_s2.dat"
if (have(f)) {
	set output out . "/s2_cpu.png"
	set title "2. Prober CPU (user+sys s): same job without and with the flood"
	set style data histograms
	set style histogram clustered gap 1
	set style fill solid 0.8 border -1
	set ylabel "CPU seconds"
	plot f using 2:xtic(1) title "total, no flood", '' using 3 title "total, flood", \
	     '' using 4 title "steady (after set-up), no flood", '' using 5 title "steady, flood"
}

# 3. rate steps
f = data . "/plot_s3.dat"
if (have(f)) {
	set output out . "/s3_rate.png"
	set title "3. Rate steps: achieved send rate (filled: step passed with 0 missed)"
	set style data linespoints
	set logscale xy
	set xlabel "asked rate (probes/s)"
	set ylabel "achieved rate (probes/s)"
	set key top left
	plot for [i = 0:3] f index i using 1:2 with lines title columnheader(1), \
	     for [i = 0:3] f index i using 1:($4 == 1 ? $2 : 1/0) with points pt 7 ps 1.2 lc i + 1 notitle, \
	     for [i = 0:3] f index i using 1:($4 == 1 ? 1/0 : $2) with points pt 6 ps 1.2 lc i + 1 notitle, \
	     x with lines dt 2 lc rgb "gray" title "asked = achieved"
	unset logscale xy
	unset xlabel
}

# 4. accuracy: CDF of the absolute error
f = data . "/plot_s4.dat"
if (have(f)) {
	set output out . "/s4_accuracy.png"
	set title "4. |reported RTT - packet-tap RTT|, CDF per tool and condition"
	set logscale x
	set xlabel "absolute error (us)"
	set ylabel "fraction of probes"
	set yrange [0:1.02]
	set key bottom right
	n = system("grep -c '^\"' " . f) + 0
	plot for [i = 0:n - 1] f index i using 1:2 with lines lw 2 title columnheader(1)
	unset logscale x
	set yrange [*:*]
	unset xlabel
}

# 5. kernel cost
f = data . "/plot_s5.dat"
if (have(f)) {
	set output out . "/s5_prog_cost.png"
	set title "5. ns per packet in BPF_PROG_TEST_RUN (noop_* = the harness alone)"
	set style data histograms
	set style histogram clustered gap 1
	set style fill solid 0.8 border -1
	set ylabel "ns per packet"
	set logscale y
	set xtics rotate by -35 font ",8"
	set bmargin 10
	set key off
	plot f using 2:xtic(1) title "ns"
	unset logscale y
	set xtics norotate font ",10"
	set bmargin 4
	set key top left
}

# 6. footprint
f = data . "/plot_s6.dat"
if (have(f)) {
	set output out . "/s6_footprint.png"
	set title "6. Footprint: peak RSS and BPF map memory (MiB)"
	set style data histograms
	set style histogram clustered gap 1
	set style fill solid 0.8 border -1
	set ylabel "MiB"
	set logscale y
	set yrange [0.1:*]
	set xtics font ",8"
	plot f using 2:xtic(1) title "peak RSS", '' using ($3 > 0 ? $3 : 1/0) title "BPF maps"
}
