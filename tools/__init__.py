"""The course's workshop, outside the students' package: benchmarks (`python -m tools.bench`), the editions
(`python -m tools.editions`) and one-off measurement scripts. They need the developers' requirements
(nbformat, nbgrader), which the wheel does not declare."""
