from geocode.cli import main

raise SystemExit(main())
