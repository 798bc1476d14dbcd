# SPDX-License-Identifier: MIT
# bash completion for berth: commands, options, container, VM, image, network, volume and theme
# names. Names come from `berth __complete ctr-names|vm-names|image-names|net-names|volume-names|
# themes` (only VM names load libvirt: they ask the -c connections given on the line, else the
# default one, with the usual time-out).
# Installed by `make install` into $(PREFIX)/share/bash-completion/completions/berth.

_berth_names() # WHAT: ctr-names | vm-names | image-names | net-names | volume-names | themes
{
    local i uris=()
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
        -c | --connect) uris+=(-c "${COMP_WORDS[i + 1]}") ;;
        --connect=*) uris+=(-c "${COMP_WORDS[i]#--connect=}") ;;
        esac
    done
    "${COMP_WORDS[0]}" "${uris[@]}" __complete "$1" 2>/dev/null
}

_berth_reply() # WORDS...: the ones that start with the current word
{
    local IFS=$'\n'
    COMPREPLY=($(compgen -W "$*" -- "$cur"))
}

_berth_ctr()
{
    local cmd=$1
    case $prev in
    --rootfs | --bundle | --workdir)
        COMPREPLY=($(compgen -d -- "$cur"))
        return
        ;;
    --env-file | --seccomp)
        COMPREPLY=($(compgen -f -- "$cur"))
        [[ $prev == --seccomp ]] && COMPREPLY+=($(compgen -W unconfined -- "$cur"))
        return
        ;;
    --net) _berth_reply none host bridge $(_berth_names net-names); return ;;
    --restart) _berth_reply no on-failure always unless-stopped; return ;;
    -v | --volume | --tmpfs) COMPREPLY=($(compgen -d -- "$cur")); return ;;
    --format) _berth_reply table json; return ;;
    -s) COMPREPLY=($(compgen -A signal -- "$cur")); return ;;
    --memory | -m | --cpus | --pids | --hostname | --env | -e | --user | -u | --name | --cap-add | \
        --cap-drop | --tail | -p | --publish)
        return
        ;;
    -t) [[ $cmd == @(stop|restart) ]] && return ;; # a value there; a flag for run/exec
    esac
    local create_opts="--name --rootfs --bundle --memory -m --cpus --pids --hostname --env -e
        --env-file --workdir -w --user -u --net --tty -t --interactive -i --inplace --seccomp
        --cap-add --cap-drop --userns --volume -v --tmpfs --read-only --restart --publish -p --help"
    if [[ $cur == -* ]]; then
        case $cmd in
        create) _berth_reply $create_opts ;;
        run) _berth_reply $create_opts --rm -d --detach ;;
        start) _berth_reply --all-restartable --help ;;
        stop | restart) _berth_reply -t --help ;;
        kill) _berth_reply -s --help ;;
        rm) _berth_reply -f --help ;;
        exec) _berth_reply -t --tty -i --interactive --help ;;
        logs) _berth_reply -f --follow --tail --help ;;
        ls) _berth_reply --format --help ;;
        inspect) _berth_reply --full --help ;;
        *) _berth_reply --help ;;
        esac
        return
    fi
    case $cmd in
    start | stop | restart | pause | resume | kill | rm | exec | attach | logs | inspect)
        _berth_reply $(_berth_names ctr-names)
        ;;
    esac
}

_berth_vm()
{
    local cmd=$1 npos=$2
    case $prev in
    --disk | --iso | --kernel | --initrd | --xml | --image | --ssh-key | --user-data)
        COMPREPLY=($(compgen -f -- "$cur"))
        return
        ;;
    --format | -f) _berth_reply table json; return ;;
    --graphics) _berth_reply none vnc; return ;;
    --machine) _berth_reply q35 pc; return ;;
    --virt-type) _berth_reply kvm qemu; return ;;
    --cpu) _berth_reply host-passthrough host-model qemu64; return ;;
    --network) _berth_reply none default; return ;;
    --memory | --vcpus | --disk-size | --pool | --cmdline | -t | --timeout | --hostname) return ;;
    esac
    if [[ $cur == -* ]]; then
        case $cmd in
        create)
            _berth_reply --memory --vcpus --disk --disk-size --pool --iso --kernel --initrd \
                --cmdline --network --graphics --machine --virt-type --cpu --xml --image \
                --cloud-init --ssh-key --user-data --hostname --help
            ;;
        ls | info) _berth_reply --format --help ;;
        shutdown) _berth_reply -t --timeout --help ;;
        rm) _berth_reply --remove-storage --help ;;
        *) _berth_reply --help ;;
        esac
        return
    fi
    case $cmd in
    create | ls) ;;
    snapshot)
        if ((npos == 0)); then
            _berth_reply ls create revert rm
        elif ((npos == 1)); then
            _berth_reply $(_berth_names vm-names)
        fi
        ;;
    autostart)
        if ((npos == 0)); then
            _berth_reply $(_berth_names vm-names)
        else
            _berth_reply on off
        fi
        ;;
    *) ((npos == 0)) && _berth_reply $(_berth_names vm-names) ;;
    esac
}

_berth()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
    local i w front="" cmd="" npos=0
    COMPREPLY=()
    # The front end (ctr, vm), its command, and how many words follow that command.
    for ((i = 1; i < COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        if [[ -z $front ]]; then
            case $w in
            -c | --connect | -n | --count | -d | --delay | -f | --format | --theme) ((i++)) ;;
            -*) ;;
            *) front=$w ;;
            esac
        elif [[ -z $cmd ]]; then
            [[ $w == -* ]] || cmd=$w
        elif [[ $w == -- ]]; then
            COMPREPLY=($(compgen -c -- "$cur")) # the container's command: no berth words
            return
        elif [[ $w != -* && ${COMP_WORDS[i - 1]} != -[tsfmewuvp] &&
            ${COMP_WORDS[i - 1]} != --@(name|rootfs|bundle|memory|cpus|pids|hostname|env|env-file|workdir|user|net|seccomp|cap-add|cap-drop|tail|format|vcpus|disk|disk-size|pool|iso|kernel|initrd|cmdline|network|graphics|machine|virt-type|cpu|xml|timeout|volume|tmpfs|restart|image|ssh-key|user-data|publish|subnet|platform|authfile|creds|cert-dir|tls-verify) ]]; then
            ((npos++))
        fi
    done
    if [[ -z $front ]]; then
        case $prev in
        -c | --connect) _berth_reply qemu:///system qemu:///session test:///default; return ;;
        -f | --format) _berth_reply table json csv; return ;;
        --theme) _berth_reply $(_berth_names themes); return ;;
        -n | --count | -d | --delay) return ;;
        esac
        if [[ $cur == -* ]]; then
            _berth_reply -c --connect -b --batch -n --count -d --delay -f --format --theme \
                --no-vms --no-containers -h --help -V --version
        else
            _berth_reply ctr vm image login logout net volume oci
        fi
        return
    fi
    if [[ -z $cmd ]]; then
        case $front in
        ctr)
            _berth_reply create run start stop restart pause resume kill rm exec attach logs ls \
                inspect demo --help
            ;;
        vm)
            _berth_reply ls info start reboot destroy suspend resume shutdown rm autostart \
                create snapshot console --help
            ;;
        image) _berth_reply import pull ls inspect rm tag --help ;;
        net | volume) _berth_reply create ls inspect rm prune --help ;;
        oci)
            _berth_reply create start state kill delete run exec ps list pause resume features \
                spec --help
            ;;
        esac
        return
    fi
    if [[ $front == @(volume|net) ]]; then
        if [[ $cmd == ls && $cur == -* ]]; then
            _berth_reply --json --help
        elif [[ $cmd == @(inspect|rm) ]]; then
            _berth_reply $(_berth_names "$front-names")
        fi
        return
    fi
    case $front in
    ctr) _berth_ctr "$cmd" ;;
    vm) _berth_vm "$cmd" "$npos" ;;
    image)
        case $cmd in
        import) COMPREPLY=($(compgen -f -- "$cur")) ;;
        inspect | rm | tag) _berth_reply $(_berth_names image-names) ;;
        esac
        ;;
    esac
}

complete -F _berth berth
