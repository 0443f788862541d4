"""scan2text's workshop: `samplegen` makes the sample sets, `bench` measures them, `evaluate` scores records."""
