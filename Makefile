# Convenience targets; the README's commands are ./run demo and ./run test.
.PHONY: demo test lint bench setup
demo test lint bench setup:
	./run $@
